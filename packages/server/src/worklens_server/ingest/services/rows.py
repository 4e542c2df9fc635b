"""The batch's items as rows of database values: each table's columns, and Python values turned
into what the current database's driver expects, without building model instances."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.tracking.local_days import day_shares, zone
from worklens_wire.v1 import ActivitySlot, UploadBatch

# SQLite allows at most 32766 bound variables per statement; stay well below it.
MAX_VARIABLES = 30000

#: (column, PostgreSQL type) of the per-row values of each table.
Columns = tuple[tuple[str, str], ...]
#: (column, PostgreSQL type, value) of values that are the same for every row of a batch.
Constants = tuple[tuple[str, str, Any], ...]

TIME_ENTRY_COLUMNS: Columns = (
    ("id", "uuid"),
    ("started_at", "timestamptz"),
    ("stopped_at", "timestamptz"),
    ("project_id", "uuid"),
    ("task_id", "uuid"),
    ("notes", "text"),
    ("idle", "text"),
)
SLOT_COLUMNS: Columns = (
    ("id", "uuid"),
    ("time_entry_id", "uuid"),
    ("started_at", "timestamptz"),
    ("length_seconds", "integer"),
    ("active_seconds", "integer"),
    ("keyboard_events", "integer"),
    ("mouse_events", "integer"),
    ("input_flags", "jsonb"),
)
SPAN_COLUMNS: Columns = (
    ("id", "uuid"),
    ("time_entry_id", "uuid"),
    ("started_at", "timestamptz"),
    ("ended_at", "timestamptz"),
    ("app", "text"),
    ("title", "text"),
    ("url", "text"),
)
SCREENSHOT_COLUMNS: Columns = (
    ("id", "uuid"),
    ("time_entry_id", "uuid"),
    ("slot_id", "uuid"),
    ("taken_at", "timestamptz"),
    ("monitor", "integer"),
    ("width", "integer"),
    ("height", "integer"),
    ("blurred", "boolean"),
    ("skipped_reason", "text"),
    ("same_as_previous", "boolean"),
)
ENTRY_ROLLUP_COLUMNS: Columns = (
    ("time_entry_id", "uuid"),
    ("day", "date"),
    ("tracked_seconds", "bigint"),
    ("active_seconds", "bigint"),
)
ROLLUP_COLUMNS: Columns = (
    ("day", "date"),
    ("tracked_seconds", "bigint"),
    ("active_seconds", "bigint"),
    ("keyboard_events", "bigint"),
    ("mouse_events", "bigint"),
)

#: A screenshot record of a batch: its image comes later, in an upload of its own.
NO_IMAGE_YET: Constants = (
    ("image", "text", ""),
    ("image_format", "text", ""),
    ("image_bytes", "integer", 0),
    ("uploaded_at", "timestamptz", None),
)


class Adapters:
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


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def owner_constants(a: Adapters, device: AuthenticatedDevice) -> Constants:
    return (
        ("company_id", "uuid", a.uuid(device.company_id)),
        ("member_id", "uuid", a.uuid(device.member_id)),
        ("device_id", "uuid", a.uuid(device.id)),
    )


def day_rollup_rows(
    a: Adapters, *, timezone_name: str, slots: Iterable[ActivitySlot]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The member's totals per local day of `timezone_name`, and the same per time entry and
    day; a slot crossing midnight is split between its days (tracking/local_days.py)."""
    tz = zone(timezone_name)
    totals: dict[dt.date, list[int]] = {}
    by_entry: dict[tuple[uuid.UUID, dt.date], list[int]] = {}
    for slot in slots:
        shares = day_shares(
            slot.started_at,
            slot.length_seconds,
            slot.active_seconds,
            slot.keyboard_events,
            slot.mouse_events,
            tz,
        )
        for day, seconds, active, keyboard, mouse in shares:
            total = totals.get(day)
            if total is None:
                total = totals[day] = [0, 0, 0, 0]
            total[0] += seconds
            total[1] += active
            total[2] += keyboard
            total[3] += mouse
            entry_total = by_entry.setdefault((slot.time_entry_id, day), [0, 0])
            entry_total[0] += seconds
            entry_total[1] += active
    # Sorted, so concurrent batches lock rollup rows in the same order (no deadlocks).
    member_rows = [(a.date(day), *totals[day]) for day in sorted(totals)]
    entry_rows = [
        (a.uuid(entry_id), a.date(day), *by_entry[(entry_id, day)])
        for entry_id, day in sorted(by_entry)
    ]
    return member_rows, entry_rows


def time_entry_rows(a: Adapters, batch: UploadBatch) -> list[tuple[Any, ...]]:
    return [
        (
            a.uuid(e.id),
            a.datetime(e.started_at),
            a.datetime(e.stopped_at),
            a.optional_uuid(e.project_id),
            a.optional_uuid(e.task_id),
            e.notes,
            e.idle or "",
        )
        for e in batch.time_entries
    ]


def screenshot_rows(a: Adapters, batch: UploadBatch) -> list[tuple[Any, ...]]:
    return [
        (
            a.uuid(s.id),
            a.uuid(s.time_entry_id),
            a.optional_uuid(s.slot_id),
            a.datetime(s.taken_at),
            s.monitor,
            s.width,
            s.height,
            s.blurred,
            s.skipped_reason or "",
            s.same_as_previous,
        )
        for s in batch.screenshots
    ]
