"""Writing a batch on SQLite: multi-row INSERTs, one writer at a time.

SQLite has one writer at a time, so everything that can happen outside the write transaction
does: the rows of the two hot tables are built as the exact text Django stores (UUID hex,
naive UTC "YYYY-MM-DD HH:MM:SS[.ffffff]") before BEGIN, and go through the raw sqlite3 cursor
with `?NNN` placeholders (Django's wrapper rewrites every `%s` of a long statement with a
regex, and its datetime adaptation costs more than the insert). Writers of several worker
processes queue on a file lock rather than sleeping in SQLite's busy handler. The small tables
go in as multi-row VALUES through Django's cursor, chunked under the bound-variable limit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.services.app_days import add_app_day_totals
from worklens_server.ingest.services.checks import check_time_entry_references
from worklens_server.ingest.services.overlaps import Clipping
from worklens_server.ingest.services.rows import (
    MAX_VARIABLES,
    SLOT_COLUMNS,
    SPAN_COLUMNS,
    Adapters,
    Columns,
    Constants,
    owner_constants,
    screenshot_rows,
    time_entry_rows,
)
from worklens_server.ingest.services.writes import (
    NEW_ROWS_ONLY,
    Stored,
    claim_batch,
    finish_batch,
    insert_time_entries,
    place_new_slots,
)
from worklens_wire.v1 import ActivitySlot, AppSpan, UploadBatch


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


def insert_rows(
    cursor: CursorWrapper,
    table: str,
    constants: Constants,
    columns: Columns,
    rows: Sequence[tuple[Any, ...]],
    tail: str,
) -> list[Any]:
    """Insert `rows` (values for `columns`, plus `constants` on every row) as multi-row VALUES
    through Django's cursor, chunked under SQLite's bound-variable limit; returns the RETURNING
    column of the rows actually written."""
    if not rows:
        return []
    returning = " RETURNING " in f" {tail} "
    constant_names = tuple(name for name, _, _ in constants)
    constant_values = tuple(value for _, _, value in constants)
    column_names = tuple(name for name, _ in columns)
    written: list[Any] = []
    per_chunk = max(1, MAX_VARIABLES // (len(constants) + len(columns)))
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


@functools.lru_cache(maxsize=64)
def _numbered_insert_sql(
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


def _datetime_text(value: dt.datetime) -> str:
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def _slot_values(slots: Sequence[ActivitySlot]) -> list[Any]:
    values: list[Any] = []
    for s in slots:
        values += (
            s.id.hex,
            s.time_entry_id.hex,
            _datetime_text(s.started_at),
            s.length_seconds,
            s.active_seconds,
            s.keyboard_events,
            s.mouse_events,
            _flags_json(s),
        )
    return values


def _flags_json(slot: ActivitySlot) -> str | None:
    if slot.input_flags is None:
        return None
    return json.dumps([flag.model_dump(mode="json") for flag in slot.input_flags])


def _span_values(spans: Sequence[AppSpan]) -> list[Any]:
    values: list[Any] = []
    for s in spans:
        values += (
            s.id.hex,
            s.time_entry_id.hex,
            _datetime_text(s.started_at),
            _datetime_text(s.ended_at),
            s.app,
            s.title,
            s.url,
        )
    return values


def _insert_values(
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
    per_chunk = max(1, (MAX_VARIABLES - len(owner)) // width)
    returning = " RETURNING " in f" {tail} "
    written: list[Any] = []
    for start in range(0, len(values), per_chunk * width):
        chunk = values[start : start + per_chunk * width]
        sql = _numbered_insert_sql(table, names, len(owner), len(chunk) // width, tail)
        raw.execute(sql, owner + chunk)
        if returning:
            written.extend(row[0] for row in raw.fetchall())
        else:
            written.extend([None] * raw.rowcount)
    return written


_thread_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _lock_file(database: str) -> int | None:
    """A lock file next to the database file (None for an in-memory database: one process)."""
    if database == ":memory:" or database.startswith("file:") or not database:
        return None
    return os.open(f"{database}.ingest-lock", os.O_RDWR | os.O_CREAT, 0o600)


@contextlib.contextmanager
def _writer_turn() -> Iterator[None]:
    """Wait for this process's turn to write. Writers queue on a blocking flock, so the next
    one starts the moment the lock is released; left to SQLite, a writer waiting in BEGIN
    IMMEDIATE polls with growing sleeps (1, 2, 5, 10 ms ...), idle while the lock is free."""
    fd = _lock_file(str(connection.settings_dict["NAME"]))
    with _thread_lock:
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def store_batch_sqlite(*, device: AuthenticatedDevice, batch: UploadBatch) -> Stored | None:
    """What was stored, or None when the batch was received before."""
    a = Adapters()
    now = timezone.now()
    owner = owner_constants(a, device)
    owner_values = [device.company_id.hex, device.member_id.hex, device.id.hex]
    slot_values = _slot_values(batch.slots)
    span_values = _span_values(batch.app_spans)
    slot_by_key = {s.id.hex: s for s in batch.slots}
    entry_rows = time_entry_rows(a, batch)
    shot_rows = screenshot_rows(a, batch)
    stored = 0
    inserted_slots: list[ActivitySlot] = []
    clipping = Clipping()
    with _writer_turn(), transaction.atomic(), connection.cursor() as cursor:
        check_time_entry_references(device=device, batch=batch)
        if not claim_batch(cursor, a, device=device, batch=batch, now=now):
            return None
        stored += insert_time_entries(insert_rows, cursor, owner, entry_rows)
        clipping = place_new_slots(cursor, a, device=device, slots=batch.slots)
        if clipping.changed:  # rare: built again, under the lock, for what is left to store
            slot_values = _slot_values(clipping.slots)
            slot_by_key = {s.id.hex: s for s in clipping.slots}
        raw = connection.connection.cursor()
        try:
            if slot_values:
                written = _insert_values(
                    raw,
                    "tracking_activityslot",
                    owner_values,
                    SLOT_COLUMNS,
                    slot_values,
                    NEW_ROWS_ONLY,
                )
                inserted_slots = [slot_by_key[key] for key in written]
                stored += len(inserted_slots)
            if span_values:
                inserted_spans = set(
                    _insert_values(
                        raw,
                        "tracking_appspan",
                        owner_values,
                        SPAN_COLUMNS,
                        span_values,
                        NEW_ROWS_ONLY,
                    )
                )
                stored += len(inserted_spans)
        finally:
            raw.close()
        if span_values:
            add_app_day_totals(
                insert_rows,
                cursor,
                a,
                device=device,
                owner=owner,
                inserted=[s for s in batch.app_spans if s.id.hex in inserted_spans],
            )
        stored += finish_batch(
            insert_rows,
            cursor,
            a,
            device=device,
            owner=owner,
            screenshot_rows=shot_rows,
            inserted_slots=inserted_slots,
            now=now,
        )
    return Stored(items=stored, clipping=clipping)
