"""`screenshots list|delete|confirm`: the employee reviews screenshots before they are sent."""

from __future__ import annotations

import argparse
import json
from typing import Any

from worklens_agent.cli.common import parse_id, with_store
from worklens_agent.clock import utcnow
from worklens_agent.journal.screenshot_files import ScreenshotFiles
from worklens_agent.journal.store import Store


def register(commands: Any) -> None:
    shots = commands.add_parser("screenshots", help="review screenshots before they are sent")
    shot_commands = shots.add_subparsers(dest="screenshot_command", required=True)
    shot_list = shot_commands.add_parser("list", help="screenshots waiting on this device")
    shot_list.add_argument("--json", action="store_true", help="print JSON")
    shot_list.set_defaults(handler=with_store(_list))
    shot_delete = shot_commands.add_parser(
        "delete", help="delete a screenshot (within its review window) and discard its slot's time"
    )
    shot_delete.add_argument("id")
    shot_delete.set_defaults(handler=with_store(_delete))
    shot_confirm = shot_commands.add_parser("confirm", help="let a screenshot be sent now")
    shot_confirm.add_argument("id")
    shot_confirm.set_defaults(handler=with_store(_confirm))


def _list(store: Store, args: argparse.Namespace) -> int:
    now = utcnow()
    rows = [
        {
            "id": str(shot.id),
            "taken_at": shot.taken_at.isoformat(),
            "monitor": shot.monitor,
            "kb": round(shot.bytes / 1024, 1),
            "file": str(shot.path),
            "deletable_until": shot.hold_until.isoformat() if shot.deletable(now) else None,
            "state": shot.state if shot.state == "pending" else f"{shot.state}: {shot.detail}",
        }
        for shot in ScreenshotFiles(store).waiting()
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no screenshots waiting on this device")
    for row in rows:
        window = (
            f"deletable until {row['deletable_until']}"
            if row["deletable_until"]
            else "review window over"
        )
        print(
            f"{row['id']}  {row['taken_at']}  monitor {row['monitor']}  {row['kb']} KB  "
            f"{window}  ({row['state']})"
        )
    return 0


def _delete(store: Store, args: argparse.Namespace) -> int:
    deleted = ScreenshotFiles(store).delete_capture(parse_id(args.id, "a screenshot id"))
    print(
        f"Deleted {len(deleted)} image(s) of that screenshot; "
        "the time of its slot is discarded and will not be sent."
    )
    return 0


def _confirm(store: Store, args: argparse.Namespace) -> int:
    confirmed = ScreenshotFiles(store).confirm(parse_id(args.id, "a screenshot id"))
    print(f"Confirmed {len(confirmed)} image(s); they will be sent with the next upload.")
    return 0
