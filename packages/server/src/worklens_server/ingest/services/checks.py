"""What a batch must satisfy before anything of it is stored: the token's device, the company's
projects and tasks (open, and the member's to use, for new entries), time entries of this device
only, and no time ahead of the server's clock."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.errors import (
    AheadOfTheClock,
    BelongsToAnotherDevice,
    InvalidItem,
    ProjectClosed,
    UnknownReference,
)
from worklens_server.ingest.services.rows import MAX_VARIABLES, Adapters, as_uuid
from worklens_server.projects.models import Assignment, Project, Task
from worklens_wire.v1 import ActivitySlot, AppSpan, ScreenshotRecord, TimeEntry, UploadBatch

#: How far ahead of the server's clock an item may end: agents' clocks drift a little, and a slot
#: is recorded the moment it ends.
MAX_AHEAD = dt.timedelta(minutes=5)


def check_not_ahead(*, batch: UploadBatch, now: dt.datetime) -> None:
    """Refuse the batch when any item's time lies more than MAX_AHEAD after `now`."""
    moments: list[tuple[str, dt.datetime | None]] = []
    for i, entry in enumerate(batch.time_entries):
        moments += [
            (f"time_entries[{i}].started_at", entry.started_at),
            (f"time_entries[{i}].stopped_at", entry.stopped_at),
        ]
    for i, s in enumerate(batch.slots):
        moments.append(
            (
                f"slots[{i}] (started_at + length_seconds)",
                s.started_at + dt.timedelta(seconds=s.length_seconds),
            )
        )
    moments += [(f"app_spans[{i}].ended_at", s.ended_at) for i, s in enumerate(batch.app_spans)]
    moments += [(f"screenshots[{i}].taken_at", s.taken_at) for i, s in enumerate(batch.screenshots)]
    for where, moment in moments:
        if moment is not None:
            check_moment_not_ahead(where=where, moment=moment, now=now)


def check_moment_not_ahead(*, where: str, moment: dt.datetime, now: dt.datetime) -> None:
    if moment > now + MAX_AHEAD:
        raise AheadOfTheClock(
            f"{where}: {moment.isoformat()} is {_minutes(moment - now)} ahead of the "
            f"server's clock ({now.isoformat(timespec='seconds')}); at most "
            f"{_minutes(MAX_AHEAD)} is allowed: check this computer's date and time"
        )


def _minutes(delta: dt.timedelta) -> str:
    minutes = delta.total_seconds() / 60
    return f"{minutes:.0f} min" if minutes < 600 else f"{minutes / 60 / 24:.1f} days"


def check_device(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    if batch.device_id != device.id:
        raise BelongsToAnotherDevice(
            f"device_id: batch is for device {batch.device_id}, but the token is for {device.id}",
        )


def _time_entry_owners(entry_ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    """Device id and idle mark of each of `entry_ids` that is stored: one indexed IN query, raw
    (the ORM's query building would cost more than the query itself on this path)."""
    a = Adapters()
    keys = [a.uuid(entry_id) for entry_id in entry_ids]
    owners: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    # On PostgreSQL, the lock a foreign-key check would take: the entries stay until commit.
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(keys), MAX_VARIABLES):
            chunk = keys[start : start + MAX_VARIABLES]
            cursor.execute(
                "SELECT id, device_id, idle FROM tracking_timeentry "  # noqa: S608 (placeholders only)
                f"WHERE id IN ({', '.join(['%s'] * len(chunk))}){lock}",
                chunk,
            )
            for entry_id, device_id, idle in cursor.fetchall():
                owners[as_uuid(entry_id)] = (as_uuid(device_id), idle)
    return owners


def check_time_entry_references(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    """Every item must refer to a time entry of this device: one in the batch or one stored
    before. One indexed IN query covers the batch's own entries (an id taken by another
    device's entry is refused) and every referenced entry, which must not be discarded idle time
    (the contract checks that inside one batch; this, against what is stored). Runs inside the
    writing transaction."""
    batch_entry_ids = {entry.id for entry in batch.time_entries}
    referenced: dict[uuid.UUID, str] = {}
    items_by_kind: tuple[tuple[str, Sequence[ActivitySlot | AppSpan | ScreenshotRecord]], ...] = (
        ("slots", batch.slots),
        ("app_spans", batch.app_spans),
        ("screenshots", batch.screenshots),
    )
    for kind, items in items_by_kind:
        for index, item in enumerate(items):
            if item.time_entry_id not in batch_entry_ids and item.time_entry_id not in referenced:
                referenced[item.time_entry_id] = f"{kind}[{index}].time_entry_id"
    wanted = batch_entry_ids | referenced.keys()
    if not wanted:
        return
    owners = _time_entry_owners(wanted)
    for index, entry in enumerate(batch.time_entries):
        owner, _ = owners.get(entry.id, (None, ""))
        if owner is not None and owner != device.id:
            raise BelongsToAnotherDevice(
                f"time_entries[{index}].id: time entry {entry.id} belongs to another device"
            )
    for entry_id, where in referenced.items():
        owner, idle = owners.get(entry_id, (None, ""))
        if owner is None:
            raise UnknownReference(
                f"{where}: unknown time entry {entry_id} (send the time entry first)"
            )
        if owner != device.id:
            raise BelongsToAnotherDevice(
                f"{where}: time entry {entry_id} belongs to another device"
            )
        if idle == "discarded":
            raise InvalidItem(
                f"{where}: time entry {entry_id} is discarded idle time, which holds no slots, "
                "app spans or screenshots"
            )


# One statement for every fact the project check needs: each named project (the company's only,
# archived or not, and whether the member may use it), each named task, and the batch's time
# entries stored before by this device with their project and task. Columns:
# kind, id, name, archived, usable, project id, task id. PostgreSQL types a UNION's columns
# branch by branch, so a missing id is a typed NULL.
_PROJECTS_PART = (
    "SELECT 'p', p.id, p.name, p.is_archived, (p.everyone OR EXISTS (SELECT 1 FROM {assignment} a "
    "WHERE a.project_id = p.id AND a.member_id = %s)), {no_id}, {no_id} FROM {project} p "
    "WHERE p.company_id = %s AND p.id IN ({ids})"
)
_TASKS_PART = (
    "SELECT 't', t.id, t.name, t.is_archived, TRUE, t.project_id, {no_id} FROM {task} t "
    "WHERE t.id IN ({ids})"
)
_STORED_PART = (
    "SELECT 'e', e.id, '', FALSE, FALSE, e.project_id, e.task_id FROM tracking_timeentry e "
    "WHERE e.device_id = %s AND e.id IN ({ids})"
)


@dataclass(frozen=True)
class _Named:
    name: str
    archived: bool
    usable: bool
    project_id: uuid.UUID | None


def _project_facts(
    device: AuthenticatedDevice, entries: list[TimeEntry]
) -> tuple[dict[uuid.UUID, _Named], dict[uuid.UUID, tuple[uuid.UUID | None, uuid.UUID | None]]]:
    """({project or task id: what it is}, {stored entry id: (project id, task id)}): one query,
    raw (the ORM would need three)."""
    a = Adapters()
    project_ids = list({e.project_id for e in entries if e.project_id is not None})
    task_ids = list({e.task_id for e in entries if e.task_id is not None})
    tables = {
        "project": Project._meta.db_table,
        "task": Task._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "no_id": "CAST(NULL AS uuid)",
    }

    def marks(ids: list[Any]) -> str:
        return ", ".join(["%s"] * len(ids))

    parts = [_PROJECTS_PART.format(ids=marks(project_ids), **tables)]
    params: list[Any] = [a.uuid(device.member_id), a.uuid(device.company_id)]
    params += [a.uuid(i) for i in project_ids]
    if task_ids:
        parts.append(_TASKS_PART.format(ids=marks(task_ids), **tables))
        params += [a.uuid(i) for i in task_ids]
    parts.append(_STORED_PART.format(ids=marks(entries)))
    params += [a.uuid(device.id), *(a.uuid(e.id) for e in entries)]
    named: dict[uuid.UUID, _Named] = {}
    stored: dict[uuid.UUID, tuple[uuid.UUID | None, uuid.UUID | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, key, name, archived, usable, project_id, task_id in cursor.fetchall():
            project = None if project_id is None else as_uuid(project_id)
            if kind == "e":
                stored[as_uuid(key)] = (project, None if task_id is None else as_uuid(task_id))
            else:
                named[as_uuid(key)] = _Named(name, bool(archived), bool(usable), project)
    return named, stored


def check_projects(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    """Projects and tasks named by time entries must be the company's own. A time entry not
    stored before (or stored with another project or task) must also name an open project the
    member may use and an open task: the stop of an entry started before its project was
    archived, or before its member was unassigned, is still accepted. One query per batch, and
    none for a batch whose time entries name no project."""
    entries = [e for e in batch.time_entries if e.project_id is not None]
    if not entries:
        return
    named, stored = _project_facts(device, entries)
    for index, entry in enumerate(batch.time_entries):
        if entry.project_id is None:
            continue
        where = f"time_entries[{index}]"
        project = named.get(entry.project_id)
        if project is None or project.project_id is not None:
            raise UnknownReference(f"{where}.project_id: unknown project {entry.project_id}")
        task = None if entry.task_id is None else named.get(entry.task_id)
        if entry.task_id is not None and (task is None or task.project_id != entry.project_id):
            raise UnknownReference(
                f"{where}.task_id: unknown task {entry.task_id} in project {entry.project_id}",
            )
        if stored.get(entry.id) == (entry.project_id, entry.task_id):
            continue
        if project.archived:
            raise ProjectClosed(f'{where}.project_id: project "{project.name}" is archived')
        if not project.usable:
            raise ProjectClosed(
                f'{where}.project_id: project "{project.name}" is not open to this member '
                "(ask a manager to assign them)"
            )
        if task is not None and task.archived:
            raise ProjectClosed(f'{where}.task_id: task "{task.name}" is archived')
