"""`worklens-agent`: enroll, start, stop, status, run, projects, ui, screenshots, idle,
autostart, browser, uninstall.

One module per command group; each adds its subcommands in `register` and names the function that
carries each out (`set_defaults(handler=...)`). Handlers parse nothing and print what they did;
the work is in the layers below (docs/architecture.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from worklens_agent import __version__
from worklens_agent.cli import browser, idle, processes, screenshots, setup, status, tracking
from worklens_agent.cli.common import CliError
from worklens_agent.desktop.home import resolve_home
from worklens_agent.journal.screenshot_files import ScreenshotError
from worklens_agent.recording.entries import TrackingError
from worklens_agent.recording.idle import IdleError
from worklens_agent.upload.enrollment import EnrollmentFailed
from worklens_agent.upload.uninstall import UninstallRefused

#: Errors the user can act on: printed as one line, exit status 1.
USER_ERRORS = (
    CliError,
    EnrollmentFailed,
    IdleError,
    ScreenshotError,
    TrackingError,
    UninstallRefused,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="worklens-agent",
        description="WorkLens agent: tracks time and, within the company's policy, activity.",
    )
    parser.add_argument("--version", action="version", version=f"worklens-agent {__version__}")
    parser.add_argument(
        "--home",
        help="data directory (default: $WORKLENS_AGENT_HOME, else ~/.local/share/worklens-agent)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)
    for group in (setup, tracking, status, processes, screenshots, browser, idle):
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    home = resolve_home(args.home)
    try:
        return int(args.handler(home, args))
    except USER_ERRORS as exc:
        print(f"worklens-agent: {exc}", file=sys.stderr)
        return 1
