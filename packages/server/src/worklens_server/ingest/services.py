"""Storing an upload batch: the hot path.

It does the least work that makes the data safe (see DESIGN.md, "The ingest path is not the
query path"): one transaction that checks which time entries the batch's items refer to (one
indexed read) and then writes each table with one multi-row `INSERT ... ON CONFLICT (id) DO
NOTHING` statement. No model instances are built per row. The primary key (the client's UUIDv7)
enforces idempotency, and the day rollups are updated from the slots actually inserted
(RETURNING), so a re-sent item is neither stored nor counted twice.

The time entry references of slots and app spans carry no database constraint (a per-row
foreign-key check was a quarter of PostgreSQL's time per batch): the reference check runs inside
the writing transaction instead, and on PostgreSQL takes the same KEY SHARE lock the constraint
would, so a time entry cannot vanish between the check and the commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import os
import sqlite3
import threading
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from pydantic import TypeAdapter

from worklens_server.companies.models import Project, Task
from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.problems import ApiProblem
from worklens_wire.v1 import ActivitySlot, AppSpan, BatchAck, ScreenshotRecord, UploadBatch

# SQLite allows at most 32766 bound variables per statement; stay well below it.
_MAX_VARIABLES = 30000

#: (column, PostgreSQL type) of the per-row values of each table.
Columns = tuple[tuple[str, str], ...]
#: (column, PostgreSQL type, value) of values that are the same for every row of a batch.
Constants = tuple[tuple[str, str, Any], ...]

_TIME_ENTRY_COLUMNS: Columns = (
    ("id", "uuid"),
    ("started_at", "timestamptz"),
    ("stopped_at", "timestamptz"),
    ("project_id", "uuid"),
    ("task_id", "uuid"),
    ("notes", "text"),
)
_SLOT_COLUMNS: Columns = (
    ("id", "uuid"),
    ("time_entry_id", "uuid"),
    ("started_at", "timestamptz"),
    ("length_seconds", "integer"),
    ("active_seconds", "integer"),
    ("keyboard_events", "integer"),
    ("mouse_events", "integer"),
)
_SPAN_COLUMNS: Columns = (
    ("id", "uuid"),
    ("time_entry_id", "uuid"),
    ("started_at", "timestamptz"),
    ("ended_at", "timestamptz"),
    ("app", "text"),
    ("title", "text"),
    ("url", "text"),
)
_SCREENSHOT_COLUMNS: Columns = (
    ("id", "uuid"),
    ("time_entry_id", "uuid"),
    ("slot_id", "uuid"),
    ("taken_at", "timestamptz"),
    ("monitor", "integer"),
    ("width", "integer"),
    ("height", "integer"),
    ("blurred", "boolean"),
    ("skipped_reason", "text"),
)
_ROLLUP_COLUMNS: Columns = (
    ("day", "date"),
    ("tracked_seconds", "bigint"),
    ("active_seconds", "bigint"),
    ("keyboard_events", "bigint"),
    ("mouse_events", "bigint"),
)

# An entry already stopped, or belonging to another device, is never changed; an open entry is
# only ever moved to stopped (the agent sends each entry at start and again at stop).
_TIME_ENTRY_CONFLICT = (
    "ON CONFLICT (id) DO UPDATE SET stopped_at = excluded.stopped_at, "
    "project_id = excluded.project_id, task_id = excluded.task_id, notes = excluded.notes "
    "WHERE tracking_timeentry.stopped_at IS NULL AND excluded.stopped_at IS NOT NULL "
    "AND tracking_timeentry.device_id = excluded.device_id"
)
_NEW_ROWS_ONLY = "ON CONFLICT (id) DO NOTHING RETURNING id"
_ROLLUP_CONFLICT = (
    "ON CONFLICT (member_id, day) DO UPDATE SET "
    "tracked_seconds = tracking_memberdayrollup.tracked_seconds + excluded.tracked_seconds, "
    "active_seconds = tracking_memberdayrollup.active_seconds + excluded.active_seconds, "
    "keyboard_events = tracking_memberdayrollup.keyboard_events + excluded.keyboard_events, "
    "mouse_events = tracking_memberdayrollup.mouse_events + excluded.mouse_events"
)


@functools.lru_cache(maxsize=256)
def _values_insert_sql(
    table: str, constants: tuple[str, ...], columns: tuple[str, ...], rows: int, tail: str
) -> str:
    placeholders = "(" + ", ".join(["%s"] * (len(constants) + len(columns))) + ")"
    return (
        f"INSERT INTO {table} ({', '.join(constants + columns)}) VALUES "  # noqa: S608 (constant names only)
        + ", ".join([placeholders] * rows)
        + f" {tail}"
    )


@functools.lru_cache(maxsize=256)
def _unnest_insert_sql(table: str, constants: Constants, columns: Columns, tail: str) -> str:
    names = [name for name, _, _ in constants] + [name for name, _ in columns]
    selected = [f"%s::{pg_type}" for _, pg_type, _ in constants] + [
        f"u.{name}" for name, _ in columns
    ]
    arrays = ", ".join(f"%s::{pg_type}[]" for _, pg_type in columns)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 (constant names only)
        f"SELECT {', '.join(selected)} FROM unnest({arrays}) "
        f"AS u({', '.join(name for name, _ in columns)}) {tail}"
    )


def _insert_rows(
    cursor: CursorWrapper,
    table: str,
    constants: Constants,
    columns: Columns,
    rows: Sequence[tuple[Any, ...]],
    tail: str,
) -> list[Any]:
    """Insert `rows` (values for `columns`, plus `constants` on every row) in as few statements
    as the database allows; returns the RETURNING column of the rows actually written.

    PostgreSQL gets one `INSERT ... SELECT FROM unnest(<one array per column>)`: a short, fixed
    statement whatever the row count, so the driver neither re-parses a long query per request
    (psycopg splits queries in Python and only caches short ones) nor binds thousands of
    parameters. SQLite gets multi-row VALUES, chunked under its bound-variable limit.
    """
    if not rows:
        return []
    returning = " RETURNING " in f" {tail} "
    if connection.vendor == "postgresql":
        constants_key = tuple((name, pg_type, None) for name, pg_type, _ in constants)
        params: list[Any] = [value for _, _, value in constants]
        params.extend(list(values) for values in zip(*rows, strict=True))
        # Server-side binding for this statement (Django's cursors bind client-side, which
        # quotes every array element in Python: a fifth of the request's time).
        with psycopg.Cursor(connection.connection) as pg_cursor:
            pg_cursor.execute(_unnest_insert_sql(table, constants_key, columns, tail), params)
            return [row[0] for row in pg_cursor.fetchall()] if returning else []
    constant_names = tuple(name for name, _, _ in constants)
    constant_values = tuple(value for _, _, value in constants)
    column_names = tuple(name for name, _ in columns)
    written: list[Any] = []
    per_chunk = max(1, _MAX_VARIABLES // (len(constants) + len(columns)))
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start : start + per_chunk]
        flat: list[Any] = []
        for row in chunk:
            flat.extend(constant_values)
            flat.extend(row)
        sql = _values_insert_sql(table, constant_names, column_names, len(chunk), tail)
        cursor.execute(sql, flat)
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


def _time_entry_owners(entry_ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Device id of each of `entry_ids` that is stored: one indexed IN query, raw (the ORM's
    query building would cost more than the query itself on this path)."""
    a = _Adapters()
    keys = [a.uuid(entry_id) for entry_id in entry_ids]
    owners: dict[uuid.UUID, uuid.UUID] = {}
    # On PostgreSQL, the lock a foreign-key check would take: the entries stay until commit.
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _MAX_VARIABLES):
            chunk = keys[start : start + _MAX_VARIABLES]
            cursor.execute(
                "SELECT id, device_id FROM tracking_timeentry "  # noqa: S608 (placeholders only)
                f"WHERE id IN ({', '.join(['%s'] * len(chunk))}){lock}",
                chunk,
            )
            for entry_id, device_id in cursor.fetchall():
                owners[_as_uuid(entry_id)] = _as_uuid(device_id)
    return owners


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


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
    owners = _time_entry_owners(wanted)
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
    cursor.execute(
        "INSERT INTO ingest_receivedbatch (batch_id, device_id, received_at, item_count) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (batch_id) DO NOTHING",
        [a.uuid(batch.batch_id), a.uuid(device.id), a.datetime(now), batch.item_count],
    )
    if cursor.rowcount == 1:
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
    a: _Adapters, *, timezone_name: str, slots: Iterable[ActivitySlot]
) -> list[tuple[Any, ...]]:
    zone = _zone(timezone_name)
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
    # Sorted, so concurrent batches lock rollup rows in the same order (no deadlocks).
    return [(a.date(day), *totals[day]) for day in sorted(totals)]


def _time_entry_rows(a: _Adapters, batch: UploadBatch) -> list[tuple[Any, ...]]:
    return [
        (
            a.uuid(e.id),
            a.datetime(e.started_at),
            a.datetime(e.stopped_at),
            a.optional_uuid(e.project_id),
            a.optional_uuid(e.task_id),
            e.notes,
        )
        for e in batch.time_entries
    ]


def _screenshot_rows(a: _Adapters, batch: UploadBatch) -> list[tuple[Any, ...]]:
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
        )
        for s in batch.screenshots
    ]


_NO_IMAGE_YET: Constants = (
    ("image", "text", ""),
    ("image_format", "text", ""),
    ("image_bytes", "integer", 0),
    ("uploaded_at", "timestamptz", None),
)


def _owner_constants(a: _Adapters, device: AuthenticatedDevice) -> Constants:
    return (
        ("company_id", "uuid", a.uuid(device.company_id)),
        ("member_id", "uuid", a.uuid(device.member_id)),
        ("device_id", "uuid", a.uuid(device.id)),
    )


def _insert_time_entries(cursor: Any, owner: Constants, rows: list[tuple[Any, ...]]) -> int:
    """Upsert the batch's time entries; how many were written (new, or moved to stopped)."""
    if not rows:
        return 0
    return len(
        _insert_rows(
            cursor,
            "tracking_timeentry",
            owner,
            _TIME_ENTRY_COLUMNS,
            rows,
            _TIME_ENTRY_CONFLICT + " RETURNING id",
        )
    )


def _finish_batch(
    cursor: Any,
    a: _Adapters,
    *,
    device: AuthenticatedDevice,
    owner: Constants,
    screenshot_rows: list[tuple[Any, ...]],
    inserted_slots: list[ActivitySlot],
    now: dt.datetime,
) -> int:
    """The writes both databases share after the hot tables: screenshot records, the device's
    last-seen time, and the day rollup from the slots actually inserted. Returns the screenshot
    records stored."""
    stored = 0
    if screenshot_rows:
        stored = len(
            _insert_rows(
                cursor,
                "tracking_screenshot",
                owner + _NO_IMAGE_YET,
                _SCREENSHOT_COLUMNS,
                screenshot_rows,
                _NEW_ROWS_ONLY,
            )
        )
    cursor.execute(
        "UPDATE devices_device SET last_seen_at = %s WHERE id = %s",
        [a.datetime(now), a.uuid(device.id)],
    )
    # Last, so the shared per-member rollup rows stay locked for the shortest time.
    if inserted_slots:
        _insert_rows(
            cursor,
            "tracking_memberdayrollup",
            owner[:2],
            _ROLLUP_COLUMNS,
            _day_rollup_rows(a, timezone_name=device.company_timezone, slots=inserted_slots),
            _ROLLUP_CONFLICT,
        )
    return stored


def store_batch(*, device: AuthenticatedDevice, batch: UploadBatch) -> BatchAck:
    """Store what is new in `batch` in one transaction, or nothing when any check fails."""
    _check_device(device=device, batch=batch)
    _check_projects(device=device, batch=batch)
    if connection.vendor == "postgresql":
        stored = _store_batch_postgresql(device=device, batch=batch)
    else:
        stored = _store_batch_sqlite(device=device, batch=batch)
    received = batch.item_count
    if stored is None:
        return BatchAck(batch_id=batch.batch_id, received=received, stored=0, duplicates=received)
    return BatchAck(
        batch_id=batch.batch_id, received=received, stored=stored, duplicates=received - stored
    )


# --- PostgreSQL ------------------------------------------------------------------------------
#
# Slots and app spans go in as ONE json parameter per table, expanded by json_to_recordset on
# the server: pydantic serialises the list in Rust, where binding per-column arrays made psycopg
# quote every element in Python (a third of the worker's time). The record's columns are the
# wire model's field names, so the JSON is the models' own dump.

_SLOTS_JSON = TypeAdapter(list[ActivitySlot])
_SPANS_JSON = TypeAdapter(list[AppSpan])


@functools.lru_cache(maxsize=16)
def _recordset_insert_sql(table: str, constants: Constants, columns: Columns, tail: str) -> str:
    names = [name for name, _, _ in constants] + [name for name, _ in columns]
    selected = [f"%s::{pg_type}" for _, pg_type, _ in constants] + [
        f"r.{name}" for name, _ in columns
    ]
    record = ", ".join(f"{name} {pg_type}" for name, pg_type in columns)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 (constant names only)
        f"SELECT {', '.join(selected)} FROM json_to_recordset(%s::json) AS r({record}) {tail}"
    )


def _store_batch_postgresql(*, device: AuthenticatedDevice, batch: UploadBatch) -> int | None:
    a = _Adapters()
    now = timezone.now()
    owner = _owner_constants(a, device)
    owner_key = tuple((name, pg_type, None) for name, pg_type, _ in owner)
    owner_values = [value for _, _, value in owner]
    # Built before the transaction opens, so row locks are held for the database's work only.
    slots_json = _SLOTS_JSON.dump_json(list(batch.slots)).decode() if batch.slots else None
    spans_json = _SPANS_JSON.dump_json(list(batch.app_spans)).decode() if batch.app_spans else None
    stored = 0
    inserted_slots: list[ActivitySlot] = []
    with transaction.atomic(), connection.cursor() as cursor:
        _check_time_entry_references(device=device, batch=batch)
        if not _claim_batch(cursor, a, device=device, batch=batch, now=now):
            return None
        stored += _insert_time_entries(cursor, owner, _time_entry_rows(a, batch))
        # Server-side binding (Django's cursors bind client-side); a fixed statement text, so
        # psycopg prepares it after a few uses.
        with psycopg.Cursor(connection.connection) as pg_cursor:
            if slots_json is not None:
                pg_cursor.execute(
                    _recordset_insert_sql(
                        "tracking_activityslot", owner_key, _SLOT_COLUMNS, _NEW_ROWS_ONLY
                    ),
                    [*owner_values, slots_json],
                )
                slot_by_id = {s.id: s for s in batch.slots}
                inserted_slots = [slot_by_id[row[0]] for row in pg_cursor.fetchall()]
                stored += len(inserted_slots)
            if spans_json is not None:
                pg_cursor.execute(
                    _recordset_insert_sql(
                        "tracking_appspan", owner_key, _SPAN_COLUMNS, "ON CONFLICT (id) DO NOTHING"
                    ),
                    [*owner_values, spans_json],
                )
                stored += pg_cursor.rowcount
        stored += _finish_batch(
            cursor,
            a,
            device=device,
            owner=owner,
            screenshot_rows=_screenshot_rows(a, batch),
            inserted_slots=inserted_slots,
            now=now,
        )
    return stored


# --- SQLite ----------------------------------------------------------------------------------
#
# SQLite has one writer at a time, so everything that can happen outside the write transaction
# does: the rows of the two hot tables are built as the exact text Django stores (UUID hex,
# naive UTC "YYYY-MM-DD HH:MM:SS[.ffffff]") before BEGIN, and go through the raw sqlite3 cursor
# with `?NNN` placeholders (Django's wrapper rewrites every `%s` of a long statement with a
# regex, and its datetime adaptation costs more than the insert).


@functools.lru_cache(maxsize=64)
def _sqlite_insert_sql(
    table: str, names: tuple[str, ...], constants: int, rows: int, tail: str
) -> str:
    """`INSERT ... VALUES (?1, ?2, ?3, ?4, ...), (?1, ?2, ?3, ?11, ...)`: the owner constants are
    bound once as ?1..?N and reused by every row."""
    per_row = len(names) - constants
    fixed = [f"?{n}" for n in range(1, constants + 1)]
    groups = []
    for row in range(rows):
        first = constants + 1 + row * per_row
        groups.append(
            "(" + ", ".join(fixed + [f"?{n}" for n in range(first, first + per_row)]) + ")"
        )
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join(groups)} {tail}"  # noqa: S608 (constant names only)


def _sqlite_datetime(value: dt.datetime) -> str:
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _sqlite_slot_values(slots: Sequence[ActivitySlot]) -> list[Any]:
    values: list[Any] = []
    for s in slots:
        values += (
            s.id.hex,
            s.time_entry_id.hex,
            _sqlite_datetime(s.started_at),
            s.length_seconds,
            s.active_seconds,
            s.keyboard_events,
            s.mouse_events,
        )
    return values


def _sqlite_span_values(spans: Sequence[AppSpan]) -> list[Any]:
    values: list[Any] = []
    for s in spans:
        values += (
            s.id.hex,
            s.time_entry_id.hex,
            _sqlite_datetime(s.started_at),
            _sqlite_datetime(s.ended_at),
            s.app,
            s.title,
            s.url,
        )
    return values


def _sqlite_insert_values(
    raw: sqlite3.Cursor,
    table: str,
    owner: list[str],
    columns: Columns,
    values: list[Any],
    tail: str,
) -> list[Any]:
    """Insert rows given as one flat list of `columns` values, `owner` on every row, chunked
    under SQLite's bound-variable limit; the RETURNING column of the rows written (or
    one None per written row when `tail` has no RETURNING)."""
    names = ("company_id", "member_id", "device_id", *(name for name, _ in columns))
    width = len(columns)
    per_chunk = max(1, (_MAX_VARIABLES - len(owner)) // width)
    returning = " RETURNING " in f" {tail} "
    written: list[Any] = []
    for start in range(0, len(values), per_chunk * width):
        chunk = values[start : start + per_chunk * width]
        sql = _sqlite_insert_sql(table, names, len(owner), len(chunk) // width, tail)
        raw.execute(sql, owner + chunk)
        if returning:
            written.extend(row[0] for row in raw.fetchall())
        else:
            written.extend([None] * raw.rowcount)
    return written


_sqlite_thread_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _sqlite_lock_file(database: str) -> int | None:
    """A lock file next to the database file (None for an in-memory database: one process)."""
    if database == ":memory:" or database.startswith("file:") or not database:
        return None
    return os.open(f"{database}.ingest-lock", os.O_RDWR | os.O_CREAT, 0o600)


@contextlib.contextmanager
def _sqlite_writer_turn() -> Iterator[None]:
    """Wait for this process's turn to write. Writers queue on a blocking flock, so the next
    one starts the moment the lock is released; left to SQLite, a writer waiting in BEGIN
    IMMEDIATE polls with growing sleeps (1, 2, 5, 10 ms ...), idle while the lock is free."""
    fd = _sqlite_lock_file(str(connection.settings_dict["NAME"]))
    with _sqlite_thread_lock:
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _store_batch_sqlite(*, device: AuthenticatedDevice, batch: UploadBatch) -> int | None:
    a = _Adapters()
    now = timezone.now()
    owner = _owner_constants(a, device)
    owner_values = [device.company_id.hex, device.member_id.hex, device.id.hex]
    slot_values = _sqlite_slot_values(batch.slots)
    span_values = _sqlite_span_values(batch.app_spans)
    slot_by_key = {s.id.hex: s for s in batch.slots}
    time_entry_rows = _time_entry_rows(a, batch)
    screenshot_rows = _screenshot_rows(a, batch)
    stored = 0
    inserted_slots: list[ActivitySlot] = []
    with _sqlite_writer_turn(), transaction.atomic(), connection.cursor() as cursor:
        _check_time_entry_references(device=device, batch=batch)
        if not _claim_batch(cursor, a, device=device, batch=batch, now=now):
            return None
        stored += _insert_time_entries(cursor, owner, time_entry_rows)
        raw = connection.connection.cursor()
        try:
            if slot_values:
                written = _sqlite_insert_values(
                    raw,
                    "tracking_activityslot",
                    owner_values,
                    _SLOT_COLUMNS,
                    slot_values,
                    _NEW_ROWS_ONLY,
                )
                inserted_slots = [slot_by_key[key] for key in written]
                stored += len(inserted_slots)
            if span_values:
                stored += len(
                    _sqlite_insert_values(
                        raw,
                        "tracking_appspan",
                        owner_values,
                        _SPAN_COLUMNS,
                        span_values,
                        "ON CONFLICT (id) DO NOTHING",
                    )
                )
        finally:
            raw.close()
        stored += _finish_batch(
            cursor,
            a,
            device=device,
            owner=owner,
            screenshot_rows=screenshot_rows,
            inserted_slots=inserted_slots,
            now=now,
        )
    return stored
