"""`idle list|keep|discard|reassign|dialog`: the employee decides what happens to idle time."""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from typing import Any

from worklens_agent.cli.common import CliError, parse_id, pick_work, with_store
from worklens_agent.clock import hours_minutes_seconds, utcnow
from worklens_agent.desktop.display import display_problem
from worklens_agent.journal.idle_periods import IdlePeriod, idle_entry, pending_idle
from worklens_agent.journal.store import Store
from worklens_agent.recording.idle import IdleError, decide_idle
from worklens_agent.upload.projects import member_projects

#: Opened from the tray while idle time still goes on: whoever clicked is back, and the tracker
#: ends the idle time at its next tick; the dialog waits that long for it.
IDLE_END_WAIT_SECONDS = 3.0


def register(commands: Any) -> None:
    idle = commands.add_parser("idle", help="decide what happens to idle time")
    idle_commands = idle.add_subparsers(dest="idle_command", required=True)
    idle_list = idle_commands.add_parser("list", help="idle time waiting for a decision")
    idle_list.add_argument("--json", action="store_true", help="print JSON")
    idle_list.set_defaults(handler=with_store(_list))
    for name, text in (
        ("keep", "keep the idle time in the task it was tracked on"),
        (
            "discard",
            "do not count the idle time: what was recorded in it never leaves this computer; "
            "only its start and end go to the server, shown as discarded idle time",
        ),
    ):
        decide = idle_commands.add_parser(name, help=text)
        decide.add_argument("id")
        decide.set_defaults(handler=with_store(_decide))
    reassign = idle_commands.add_parser("reassign", help="keep the idle time as another task")
    reassign.add_argument("id")
    reassign.add_argument("--project", required=True, help="project name or id")
    reassign.add_argument("--task", help="task name or id")
    reassign.add_argument("--notes", default="", help="notes for the idle time")
    reassign.set_defaults(handler=with_store(_decide))
    dialog = idle_commands.add_parser("dialog", help="ask in a window about each pending period")
    dialog.set_defaults(handler=with_store(_dialog))


def idle_row(store: Store, period: IdlePeriod) -> dict[str, Any]:
    held = idle_entry(store, period.id)
    end = period.ended_at or utcnow()
    return {
        "id": str(period.id),
        "entry_id": str(period.entry_id),
        "started_at": period.started_at.isoformat(),
        "ended_at": None if period.ended_at is None else period.ended_at.isoformat(),
        "seconds": max(0, int((end - period.started_at).total_seconds())),
        "project_id": None if held is None or held.project_id is None else str(held.project_id),
        "task_id": None if held is None or held.task_id is None else str(held.task_id),
        "notes": "" if held is None else held.notes,
    }


def _list(store: Store, args: argparse.Namespace) -> int:
    rows = [idle_row(store, period) for period in pending_idle(store)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no idle time waiting for a decision")
    for row in rows:
        print(
            f"{row['id']}  {row['started_at']} to {row['ended_at'] or 'now (going on)'}  "
            f"{hours_minutes_seconds(int(row['seconds']))}  (entry {row['entry_id']})"
        )
    return 0


def _decide(store: Store, args: argparse.Namespace) -> int:
    period_id = parse_id(args.id, "an idle period id")
    if args.idle_command == "reassign":
        project_id, task_id = pick_work(store, args.project, args.task)
        decide_idle(
            store, period_id, "reassign", project_id=project_id, task_id=task_id, notes=args.notes
        )
        print(f"Idle time {period_id} kept as another task; it will be sent with the next upload.")
    elif args.idle_command == "keep":
        decide_idle(store, period_id, "keep")
        print(f"Idle time {period_id} kept; it will be sent with the next upload.")
    else:
        decide_idle(store, period_id, "discard")
        print(
            f"Idle time {period_id} discarded: it is not counted, and nothing recorded in it "
            "will be sent; only its start and end go to the server, shown on your timesheet as "
            "discarded idle time."
        )
    return 0


def _dialog(store: Store, args: argparse.Namespace) -> int:
    """Ask about each idle period that has ended, one window after the other."""
    problem = display_problem()
    if problem is not None:
        raise CliError(f"cannot show the idle dialog: {problem}")
    from worklens_agent.ui.idle_dialog import ask_idle_decision  # Tk only when a window shows

    projects = member_projects(store)
    asked: set[uuid.UUID] = set()
    deadline = time.monotonic() + IDLE_END_WAIT_SECONDS
    while True:
        pending = pending_idle(store)
        waiting = [p for p in pending if p.ended_at is not None and p.id not in asked]
        still_idle = any(p.ended_at is None for p in pending)
        if not waiting and still_idle and time.monotonic() < deadline:
            time.sleep(0.25)
            continue
        if not waiting:
            return 0
        period = waiting[0]
        asked.add(period.id)
        held = idle_entry(store, period.id)

        def still_pending(period_id: uuid.UUID = period.id) -> bool:
            return any(p.id == period_id for p in pending_idle(store))

        decision = ask_idle_decision(
            period,
            projects,
            still_pending=still_pending,
            current_project=None if held is None else held.project_id,
        )
        if decision is None:
            if still_pending():
                print(
                    f"Idle time {period.id} left undecided; it stays on this computer until then."
                )
            else:
                print(f"Idle time {period.id} was decided elsewhere")
            continue
        try:
            decide_idle(
                store,
                period.id,
                decision.decision,
                project_id=decision.project_id,
                task_id=decision.task_id,
                notes=decision.notes,
            )
        except IdleError as exc:  # decided elsewhere (CLI, tray) while the window was open
            print(f"worklens-agent: {exc}", file=sys.stderr)
            continue
        print(f"Idle time {period.id}: {decision.decision}")
