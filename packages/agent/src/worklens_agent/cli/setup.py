"""`enroll`, `autostart` and `uninstall`: this device's place on the server and on the computer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from worklens_agent.cli.common import with_store
from worklens_agent.desktop.autostart import autostart_for_platform
from worklens_agent.desktop.commands import agent_command
from worklens_agent.journal.store import Store
from worklens_agent.upload.enrollment import enroll
from worklens_agent.upload.uninstall import uninstall


def register(commands: Any) -> None:
    enroll_parser = commands.add_parser("enroll", help="enroll this device with a server")
    enroll_parser.add_argument("url", help="server address, e.g. http://127.0.0.1:8000")
    enroll_parser.add_argument("code", help="one-time enrollment code from the dashboard")
    enroll_parser.set_defaults(handler=with_store(_enroll))

    autostart = commands.add_parser("autostart", help="start the agent at login: on, off, status")
    autostart.add_argument("state", choices=("on", "off", "status"))
    autostart.set_defaults(handler=with_store(_autostart))

    uninstall_parser = commands.add_parser(
        "uninstall",
        help="stop starting at login, tell the server, then delete this agent's data",
    )
    uninstall_parser.add_argument(
        "--keep-data", action="store_true", help="keep the agent's data directory"
    )
    uninstall_parser.add_argument(
        "--force",
        action="store_true",
        help="uninstall even when the server cannot be told (data not uploaded is lost)",
    )
    # Not with_store: uninstall opens the store itself and may delete it afterwards.
    uninstall_parser.set_defaults(handler=_uninstall)


def _enroll(store: Store, args: argparse.Namespace) -> int:
    enrollment = enroll(store, args.url, args.code)
    print(
        f"Enrolled as device {enrollment.device_id} of {enrollment.company_name} "
        f"({enrollment.member_email})"
    )
    return 0


def _autostart(store: Store, args: argparse.Namespace) -> int:
    backend = autostart_for_platform()
    if args.state == "on":
        state = backend.enable(agent_command(store.home))
    elif args.state == "off":
        state = backend.disable()
    else:
        state = backend.status()
    if state.enabled:
        print(f"autostart: on ({state.location} runs: {' '.join(state.command)})")
    else:
        print(f"autostart: off ({state.location})")
    return 0


def _uninstall(home: Path, args: argparse.Namespace) -> int:
    report = uninstall(home, autostart_for_platform(), keep_data=args.keep_data, force=args.force)
    if report.server == "acknowledged":
        print("The server acknowledged the uninstall.")
    elif report.server == "not enrolled":
        print("Not enrolled: no server to tell.")
    else:
        print(f"The server was NOT told: {report.server}")
    print(f"Autostart removed ({report.autostart_removed}).")
    if not report.data_deleted:
        print(f"Agent data kept in {home}.")
    elif report.left_in_home:
        print(
            f"Agent data deleted; {home} is kept, it holds other files: "
            + ", ".join(report.left_in_home)
        )
    else:
        print(f"Agent data deleted ({home}).")
    return 0
