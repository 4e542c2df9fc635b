"""What every command module of the CLI shares: its error, the store handed to a handler, and
choosing a project and task by name or id."""

from __future__ import annotations

import argparse
import functools
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from worklens_agent.journal.store import Store
from worklens_agent.upload.client import parse_uuid
from worklens_agent.upload.projects import member_projects
from worklens_wire.v1 import ProjectOut

#: What argparse calls for a command (set with `set_defaults(handler=...)`): exit status back.
Handler = Callable[[Path, argparse.Namespace], int]


class CliError(Exception):
    """A problem the user can act on; printed without a traceback, exit status 1."""


def with_store(command: Callable[[Store, argparse.Namespace], int]) -> Handler:
    """A handler that runs `command` on the agent's store, closed afterwards."""

    @functools.wraps(command)
    def handler(home: Path, args: argparse.Namespace) -> int:
        with Store(home) as store:
            return command(store, args)

    return handler


def pick(kind: str, wanted: str, options: Sequence[Any]) -> uuid.UUID:
    """The id of the option named or identified by `wanted` (exact name, then case-insensitive)."""
    as_id = parse_uuid(wanted)
    for option in options:
        if option.id == as_id or option.name == wanted:
            return uuid.UUID(str(option.id))
    folded = [option for option in options if option.name.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return uuid.UUID(str(folded[0].id))
    names = ", ".join(sorted(option.name for option in options)) or "none"
    raise CliError(f"no {kind} {wanted!r} (known: {names})")


def pick_work(
    store: Store, project: str | None, task: str | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """Project and task ids from `--project` and `--task` (the member's projects, from the
    server, or the last list fetched when offline)."""
    if task and not project:
        raise CliError("--task needs --project")
    if not project:
        return None, None
    projects: list[ProjectOut] = member_projects(store)
    project_id = pick("project", project, projects)
    task_id = None
    if task:
        chosen = next(p for p in projects if p.id == project_id)
        task_id = pick(f"task in {chosen.name}", task, chosen.tasks)
    return project_id, task_id


def parse_id(text: str, what: str) -> uuid.UUID:
    value = parse_uuid(text)
    if value is None:
        raise CliError(f"{text!r} is not {what}")
    return value
