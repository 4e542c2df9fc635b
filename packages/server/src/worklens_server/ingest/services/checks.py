"""What a batch must satisfy before anything of it is stored: the token's device, the company's
projects and tasks, time entries of this device only, and no time ahead of the server's clock."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import connection

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.errors import (
    AheadOfTheClock,
    BelongsToAnotherDevice,
    UnknownReference,
)
from worklens_server.ingest.services.rows import MAX_VARIABLES, Adapters, as_uuid
from worklens_server.projects.models import Project, Task
from worklens_wire.v1 import ActivitySlot, AppSpan, ScreenshotRecord, UploadBatch

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


def _time_entry_owners(entry_ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Device id of each of `entry_ids` that is stored: one indexed IN query, raw (the ORM's
    query building would cost more than the query itself on this path)."""
    a = Adapters()
    keys = [a.uuid(entry_id) for entry_id in entry_ids]
    owners: dict[uuid.UUID, uuid.UUID] = {}
    # On PostgreSQL, the lock a foreign-key check would take: the entries stay until commit.
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(keys), MAX_VARIABLES):
            chunk = keys[start : start + MAX_VARIABLES]
            cursor.execute(
                "SELECT id, device_id FROM tracking_timeentry "  # noqa: S608 (placeholders only)
                f"WHERE id IN ({', '.join(['%s'] * len(chunk))}){lock}",
                chunk,
            )
            for entry_id, device_id in cursor.fetchall():
                owners[as_uuid(entry_id)] = as_uuid(device_id)
    return owners


def check_time_entry_references(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    """Every item must refer to a time entry of this device: one in the batch or one stored
    before. One indexed IN query covers the batch's own entries (an id taken by another
    device's entry is refused) and every referenced entry. Runs inside the writing transaction."""
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
        owner = owners.get(entry.id)
        if owner is not None and owner != device.id:
            raise BelongsToAnotherDevice(
                f"time_entries[{index}].id: time entry {entry.id} belongs to another device"
            )
    for entry_id, where in referenced.items():
        owner = owners.get(entry_id)
        if owner is None:
            raise UnknownReference(
                f"{where}: unknown time entry {entry_id} (send the time entry first)"
            )
        if owner != device.id:
            raise BelongsToAnotherDevice(
                f"{where}: time entry {entry_id} belongs to another device"
            )


def check_projects(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    """Projects and tasks named by time entries must be the company's own."""
    project_ids = {e.project_id for e in batch.time_entries if e.project_id is not None}
    if not project_ids:
        return
    known_projects = set(
        Project.objects.filter(company_id=device.company_id, id__in=project_ids).values_list(
            "id", flat=True
        )
    )
    task_ids = {e.task_id for e in batch.time_entries if e.task_id is not None}
    known_tasks = dict(
        Task.objects.filter(id__in=task_ids, project__company_id=device.company_id).values_list(
            "id", "project_id"
        )
    )
    for index, entry in enumerate(batch.time_entries):
        if entry.project_id is not None and entry.project_id not in known_projects:
            raise UnknownReference(
                f"time_entries[{index}].project_id: unknown project {entry.project_id}"
            )
        if entry.task_id is not None and known_tasks.get(entry.task_id) != entry.project_id:
            raise UnknownReference(
                f"time_entries[{index}].task_id: unknown task {entry.task_id} "
                f"in project {entry.project_id}",
            )
