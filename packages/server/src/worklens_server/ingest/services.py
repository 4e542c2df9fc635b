"""Storing an upload batch: the hot path.

It does the least work that makes the data safe (see DESIGN.md, "The ingest path is not the
query path"): one indexed read to check which time entries the batch's items refer to, then one
transaction of multi-row `INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id` statements through
a raw cursor. No model instances are built per row. The primary key (the client's UUIDv7)
enforces idempotency, and the day rollups are updated from the RETURNING rows only, so a
re-sent item is neither stored nor counted twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from worklens_server.companies.models import Project, Task
from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.problems import ApiProblem
from worklens_server.tracking.models import TimeEntry
from worklens_wire.v1 import ActivitySlot, AppSpan, BatchAck, ScreenshotRecord, UploadBatch

# SQLite allows at most 32766 bound variables per statement; stay well below it.
_MAX_VARIABLES = 30000

_TIME_ENTRY_COLUMNS = (
    "id",
    "company_id",
    "member_id",
    "device_id",
    "started_at",
    "stopped_at",
    "project_id",
    "task_id",
    "notes",
)
_SLOT_COLUMNS = (
    "id",
    "company_id",
    "member_id",
    "device_id",
    "time_entry_id",
    "started_at",
    "length_seconds",
    "active_seconds",
    "keyboard_events",
    "mouse_events",
)
_SPAN_COLUMNS = (
    "id",
    "company_id",
    "member_id",
    "device_id",
    "time_entry_id",
    "started_at",
    "ended_at",
    "app",
    "title",
    "url",
)
_SCREENSHOT_COLUMNS = (
    "id",
    "company_id",
    "member_id",
    "device_id",
    "time_entry_id",
    "slot_id",
    "taken_at",
    "monitor",
    "width",
    "height",
    "blurred",
    "skipped_reason",
    "image",
    "image_format",
    "image_bytes",
    "uploaded_at",
)
_ROLLUP_COLUMNS = (
    "company_id",
    "member_id",
    "day",
    "tracked_seconds",
    "active_seconds",
    "keyboard_events",
    "mouse_events",
)

# An entry already stopped, or belonging to another device, is never changed; an open entry is
# only ever moved to stopped (the agent sends each entry at start and again at stop).
_TIME_ENTRY_CONFLICT = (
    "ON CONFLICT (id) DO UPDATE SET stopped_at = excluded.stopped_at, "
    "project_id = excluded.project_id, task_id = excluded.task_id, notes = excluded.notes "
    "WHERE tracking_timeentry.stopped_at IS NULL AND excluded.stopped_at IS NOT NULL "
    "AND tracking_timeentry.device_id = excluded.device_id"
)
_ROLLUP_CONFLICT = (
    "ON CONFLICT (member_id, day) DO UPDATE SET "
    "tracked_seconds = tracking_memberdayrollup.tracked_seconds + excluded.tracked_seconds, "
    "active_seconds = tracking_memberdayrollup.active_seconds + excluded.active_seconds, "
    "keyboard_events = tracking_memberdayrollup.keyboard_events + excluded.keyboard_events, "
    "mouse_events = tracking_memberdayrollup.mouse_events + excluded.mouse_events"
)


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], rows: int, tail: str) -> str:
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 (constant names only)
        + ", ".join([placeholders] * rows)
        + f" {tail}"
    )


def _insert_rows(
    cursor: CursorWrapper,
    table: str,
    columns: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
    tail: str,
) -> list[Any]:
    """Multi-row INSERT in chunks under the bound-variable limit; returns the RETURNING column
    of the rows actually written."""
    written: list[Any] = []
    per_chunk = max(1, _MAX_VARIABLES // len(columns))
    returning = " RETURNING " in f" {tail} "
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start : start + per_chunk]
        params = [value for row in chunk for value in row]
        cursor.execute(_insert_sql(table, columns, len(chunk), tail), params)
        if returning:
            written.extend(row[0] for row in cursor.fetchall())
    return written


class _Adapters:
    """Python values to what the current database's driver expects (what Django's fields do
    in get_db_prep_value), without building model instances."""

    def __init__(self) -> None:
        ops = connection.ops
        self.uuid: Callable[[uuid.UUID], Any]
        self.optional_uuid: Callable[[uuid.UUID | None], Any]
        if connection.features.has_native_uuid_field:
            self.uuid = _identity
            self.optional_uuid = _identity
        else:
            self.uuid = _uuid_hex
            self.optional_uuid = _optional_uuid_hex
        self.datetime: Callable[[dt.datetime | None], Any] = ops.adapt_datetimefield_value
        self.date: Callable[[dt.date], Any] = ops.adapt_datefield_value


def _identity(value: Any) -> Any:
    return value


def _uuid_hex(value: uuid.UUID) -> str:
    return value.hex


def _optional_uuid_hex(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _check_device(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    if batch.device_id != device.id:
        raise ApiProblem(
            403,
            f"device_id: batch is for device {batch.device_id}, but the token is for {device.id}",
        )


def _check_time_entry_references(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
    """Every item must refer to a time entry of this device: one in the batch or one stored
    before. One indexed IN query covers the batch's own entries (an id taken by another
    device's entry is refused) and every referenced entry."""
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
    owners = dict(TimeEntry.objects.filter(id__in=wanted).values_list("id", "device_id"))
    for index, entry in enumerate(batch.time_entries):
        owner = owners.get(entry.id)
        if owner is not None and owner != device.id:
            raise ApiProblem(
                403, f"time_entries[{index}].id: time entry {entry.id} belongs to another device"
            )
    for entry_id, where in referenced.items():
        owner = owners.get(entry_id)
        if owner is None:
            raise ApiProblem(
                422, f"{where}: unknown time entry {entry_id} (send the time entry first)"
            )
        if owner != device.id:
            raise ApiProblem(403, f"{where}: time entry {entry_id} belongs to another device")


def _check_projects(*, device: AuthenticatedDevice, batch: UploadBatch) -> None:
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
            raise ApiProblem(
                422, f"time_entries[{index}].project_id: unknown project {entry.project_id}"
            )
        if entry.task_id is not None and known_tasks.get(entry.task_id) != entry.project_id:
            raise ApiProblem(
                422,
                f"time_entries[{index}].task_id: unknown task {entry.task_id} "
                f"in project {entry.project_id}",
            )


def _claim_batch(
    cursor: CursorWrapper,
    a: _Adapters,
    *,
    device: AuthenticatedDevice,
    batch: UploadBatch,
    now: dt.datetime,
) -> bool:
    """Record the batch id; False when it was received before (then nothing else is written)."""
    claimed = _insert_rows(
        cursor,
        "ingest_receivedbatch",
        ("batch_id", "device_id", "received_at", "item_count"),
        [(a.uuid(batch.batch_id), a.uuid(device.id), a.datetime(now), batch.item_count)],
        "ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id",
    )
    if claimed:
        return True
    cursor.execute(
        "SELECT device_id FROM ingest_receivedbatch WHERE batch_id = %s",
        [a.uuid(batch.batch_id)],
    )
    (owner,) = cursor.fetchone()
    if owner != a.uuid(device.id):
        raise ApiProblem(409, f"batch_id: batch {batch.batch_id} was sent by another device")
    return False


def _day_rollup_rows(
    a: _Adapters, *, device: AuthenticatedDevice, slots: Iterable[Any]
) -> list[tuple[Any, ...]]:
    zone = _zone(device.company_timezone)
    totals: dict[dt.date, list[int]] = {}
    for slot in slots:
        day = slot.started_at.astimezone(zone).date()
        total = totals.get(day)
        if total is None:
            total = totals[day] = [0, 0, 0, 0]
        total[0] += slot.length_seconds
        total[1] += slot.active_seconds
        total[2] += slot.keyboard_events
        total[3] += slot.mouse_events
    company, member = a.uuid(device.company_id), a.uuid(device.member_id)
    # Sorted, so concurrent batches lock rollup rows in the same order (no deadlocks).
    return [(company, member, a.date(day), *totals[day]) for day in sorted(totals)]


def store_batch(*, device: AuthenticatedDevice, batch: UploadBatch) -> BatchAck:
    """Store what is new in `batch` in one transaction, or nothing when any check fails."""
    _check_device(device=device, batch=batch)
    _check_time_entry_references(device=device, batch=batch)
    _check_projects(device=device, batch=batch)

    a = _Adapters()
    now = timezone.now()
    company, member, device_key = (
        a.uuid(device.company_id),
        a.uuid(device.member_id),
        a.uuid(device.id),
    )
    received = batch.item_count
    stored = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if not _claim_batch(cursor, a, device=device, batch=batch, now=now):
            return BatchAck(
                batch_id=batch.batch_id, received=received, stored=0, duplicates=received
            )
        if batch.time_entries:
            stored += len(
                _insert_rows(
                    cursor,
                    "tracking_timeentry",
                    _TIME_ENTRY_COLUMNS,
                    [
                        (
                            a.uuid(e.id),
                            company,
                            member,
                            device_key,
                            a.datetime(e.started_at),
                            a.datetime(e.stopped_at),
                            a.optional_uuid(e.project_id),
                            a.optional_uuid(e.task_id),
                            e.notes,
                        )
                        for e in batch.time_entries
                    ],
                    _TIME_ENTRY_CONFLICT + " RETURNING id",
                )
            )
        if batch.slots:
            slot_by_key = {a.uuid(s.id): s for s in batch.slots}
            inserted = _insert_rows(
                cursor,
                "tracking_activityslot",
                _SLOT_COLUMNS,
                [
                    (
                        key,
                        company,
                        member,
                        device_key,
                        a.uuid(s.time_entry_id),
                        a.datetime(s.started_at),
                        s.length_seconds,
                        s.active_seconds,
                        s.keyboard_events,
                        s.mouse_events,
                    )
                    for key, s in slot_by_key.items()
                ],
                "ON CONFLICT (id) DO NOTHING RETURNING id",
            )
            stored += len(inserted)
        else:
            slot_by_key, inserted = {}, []
        if batch.app_spans:
            stored += len(
                _insert_rows(
                    cursor,
                    "tracking_appspan",
                    _SPAN_COLUMNS,
                    [
                        (
                            a.uuid(s.id),
                            company,
                            member,
                            device_key,
                            a.uuid(s.time_entry_id),
                            a.datetime(s.started_at),
                            a.datetime(s.ended_at),
                            s.app,
                            s.title,
                            s.url,
                        )
                        for s in batch.app_spans
                    ],
                    "ON CONFLICT (id) DO NOTHING RETURNING id",
                )
            )
        if batch.screenshots:
            stored += len(
                _insert_rows(
                    cursor,
                    "tracking_screenshot",
                    _SCREENSHOT_COLUMNS,
                    [
                        (
                            a.uuid(s.id),
                            company,
                            member,
                            device_key,
                            a.uuid(s.time_entry_id),
                            a.optional_uuid(s.slot_id),
                            a.datetime(s.taken_at),
                            s.monitor,
                            s.width,
                            s.height,
                            s.blurred,
                            s.skipped_reason or "",
                            "",
                            "",
                            0,
                            None,
                        )
                        for s in batch.screenshots
                    ],
                    "ON CONFLICT (id) DO NOTHING RETURNING id",
                )
            )
        cursor.execute(
            "UPDATE devices_device SET last_seen_at = %s WHERE id = %s",
            [a.datetime(now), device_key],
        )
        # Last, so the shared per-member rollup rows stay locked for the shortest time.
        if inserted:
            _insert_rows(
                cursor,
                "tracking_memberdayrollup",
                _ROLLUP_COLUMNS,
                _day_rollup_rows(a, device=device, slots=(slot_by_key[key] for key in inserted)),
                _ROLLUP_CONFLICT,
            )
    return BatchAck(
        batch_id=batch.batch_id, received=received, stored=stored, duplicates=received - stored
    )
