"""`browser pair`: the port and token the WorkLens browser extension needs."""

from __future__ import annotations

import argparse
import json
from typing import Any

from worklens_agent.cli.common import CliError, with_store
from worklens_agent.journal.store import Store
from worklens_agent.sources.browser_pairing import pairing


def register(commands: Any) -> None:
    browser = commands.add_parser("browser", help="pair the WorkLens browser extension")
    browser_commands = browser.add_subparsers(dest="browser_command", required=True)
    pair = browser_commands.add_parser(
        "pair", help="print the port and pairing token for the extension's options page"
    )
    pair.add_argument("--port", type=int, help="listen on this port from the next `run` on")
    pair.add_argument("--rotate", action="store_true", help="make a new token (re-pair needed)")
    pair.add_argument("--json", action="store_true", help="print JSON")
    pair.set_defaults(handler=with_store(_pair))


def _pair(store: Store, args: argparse.Namespace) -> int:
    try:
        paired = pairing(store, port=args.port, rotate=args.rotate)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps({"port": paired.port, "token": paired.token}))
        return 0
    print(
        "In the WorkLens extension's options, enter:\n"
        f"  port:  {paired.port}\n"
        f"  token: {paired.token}\n"
        "A changed port takes effect when `worklens-agent run` next starts."
    )
    return 0
