"""`start`, `stop` and `projects`: the timer and what it is tracked on."""

from __future__ import annotations

import argparse
import json
from typing import Any

from worklens_agent.cli.common import pick_work, with_store
from worklens_agent.clock import hours_minutes_seconds
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.upload.projects import member_projects


def register(commands: Any) -> None:
    start = commands.add_parser("start", help="start tracking time")
    start.add_argument("--project", help="project name or id")
    start.add_argument("--task", help="task name or id (needs --project)")
    start.add_argument("--notes", default="", help="notes for this time entry")
    start.set_defaults(handler=with_store(_start))

    commands.add_parser("stop", help="stop tracking time").set_defaults(handler=with_store(_stop))

    projects = commands.add_parser("projects", help="list your projects and their tasks")
    projects.add_argument("--json", action="store_true", help="print JSON")
    projects.set_defaults(handler=with_store(_projects))


def _start(store: Store, args: argparse.Namespace) -> int:
    project_id, task_id = pick_work(store, args.project, args.task)
    entry = start_entry(store, project_id=project_id, task_id=task_id, notes=args.notes)
    print(f"Tracking started at {entry.started_at.astimezone():%H:%M:%S} (entry {entry.id})")
    return 0


def _stop(store: Store, args: argparse.Namespace) -> int:
    entry = stop_entry(store)
    assert entry.stopped_at is not None
    duration = int((entry.stopped_at - entry.started_at).total_seconds())
    print(
        f"Tracking stopped at {entry.stopped_at.astimezone():%H:%M:%S} (entry {entry.id}, "
        f"{hours_minutes_seconds(duration)})"
    )
    return 0


def _projects(store: Store, args: argparse.Namespace) -> int:
    projects = member_projects(store)
    if args.json:
        print(json.dumps([project.model_dump(mode="json") for project in projects], indent=2))
        return 0
    if not projects:
        print("no projects (none assigned to you, or never fetched: is the device enrolled?)")
    for project in projects:
        print(f"{project.name}  ({project.id})")
        for task in project.tasks:
            print(f"  {task.name}  ({task.id})")
    return 0
