"""`run` and `ui`: the long-running processes. Their modules (pynput, Tk, ...) are imported only
when one of them starts, so the short commands stay quick."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    run = commands.add_parser("run", help="run the tracker and uploader until SIGTERM/SIGINT")
    run.add_argument(
        "--with-ui",
        action="store_true",
        help="also show the tray icon or window (what `autostart on` starts at login)",
    )
    run.set_defaults(handler=_run)
    ui = commands.add_parser(
        "ui", help="tray icon (or a small window when there is no tray) to start, stop and review"
    )
    ui.add_argument("--window", action="store_true", help="show the window even with a tray")
    ui.set_defaults(handler=_ui)


def _run(home: Path, args: argparse.Namespace) -> int:
    from worklens_agent.run.runner import run

    return run(home, with_ui=args.with_ui)


def _ui(home: Path, args: argparse.Namespace) -> int:
    from worklens_agent.ui.app import run_ui

    return run_ui(home, force_window=args.window)
