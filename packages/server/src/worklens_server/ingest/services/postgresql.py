"""Writing a batch on PostgreSQL: one statement per table, bound on the server.

Slots and app spans go in as ONE json parameter per table, expanded by json_to_recordset on
the server: pydantic serialises the list in Rust, where binding per-column arrays made psycopg
quote every element in Python (a third of the worker's time). The record's columns are the
wire model's field names, so the JSON is the models' own dump. The small tables (time entries,
screenshot records, day rollups) go in as one `INSERT ... SELECT FROM unnest(<one array per
column>)` each.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from pydantic import TypeAdapter

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.services.app_days import add_app_day_totals
from worklens_server.ingest.services.checks import check_time_entry_references
from worklens_server.ingest.services.overlaps import Clipping
from worklens_server.ingest.services.rows import (
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
    lock_member_time,
    place_new_slots,
)
from worklens_wire.v1 import ActivitySlot, AppSpan, UploadBatch

_SLOTS_JSON = TypeAdapter(list[ActivitySlot])
_SPANS_JSON = TypeAdapter(list[AppSpan])


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


def insert_rows(
    cursor: CursorWrapper,
    table: str,
    constants: Constants,
    columns: Columns,
    rows: Sequence[tuple[Any, ...]],
    tail: str,
) -> list[Any]:
    """Insert `rows` (values for `columns`, plus `constants` on every row) with one
    `INSERT ... SELECT FROM unnest(<one array per column>)`; returns the RETURNING column of the
    rows actually written.

    A short, fixed statement whatever the row count, so the driver neither re-parses a long query
    per request (psycopg splits queries in Python and only caches short ones) nor binds
    thousands of parameters.
    """
    if not rows:
        return []
    returning = " RETURNING " in f" {tail} "
    constants_key = tuple((name, pg_type, None) for name, pg_type, _ in constants)
    params: list[Any] = [value for _, _, value in constants]
    params.extend(list(values) for values in zip(*rows, strict=True))
    # Server-side binding for this statement (Django's cursors bind client-side, which
    # quotes every array element in Python: a fifth of the request's time).
    with psycopg.Cursor(connection.connection) as pg_cursor:
        pg_cursor.execute(_unnest_insert_sql(table, constants_key, columns, tail), params)
        return [row[0] for row in pg_cursor.fetchall()] if returning else []


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


def store_batch_postgresql(*, device: AuthenticatedDevice, batch: UploadBatch) -> Stored | None:
    """What was stored, or None when the batch was received before."""
    a = Adapters()
    now = timezone.now()
    owner = owner_constants(a, device)
    owner_key = tuple((name, pg_type, None) for name, pg_type, _ in owner)
    owner_values = [value for _, _, value in owner]
    # Built before the transaction opens, so row locks are held for the database's work only.
    slots_json = _SLOTS_JSON.dump_json(list(batch.slots)).decode() if batch.slots else None
    spans_json = _SPANS_JSON.dump_json(list(batch.app_spans)).decode() if batch.app_spans else None
    stored = 0
    inserted_slots: list[ActivitySlot] = []
    clipping = Clipping()
    with transaction.atomic(), connection.cursor() as cursor:
        check_time_entry_references(device=device, batch=batch)
        if not claim_batch(cursor, a, device=device, batch=batch, now=now):
            return None
        stored += insert_time_entries(insert_rows, cursor, owner, time_entry_rows(a, batch))
        if batch.slots:
            lock_member_time(cursor, device=device)
            clipping = place_new_slots(cursor, a, device=device, slots=batch.slots)
            if clipping.changed:
                slots_json = _SLOTS_JSON.dump_json(clipping.slots).decode()
        # Server-side binding (Django's cursors bind client-side); a fixed statement text, so
        # psycopg prepares it after a few uses.
        with psycopg.Cursor(connection.connection) as pg_cursor:
            if slots_json is not None:
                pg_cursor.execute(
                    _recordset_insert_sql(
                        "tracking_activityslot", owner_key, SLOT_COLUMNS, NEW_ROWS_ONLY
                    ),
                    [*owner_values, slots_json],
                )
                slot_by_id = {s.id: s for s in clipping.slots}
                inserted_slots = [slot_by_id[row[0]] for row in pg_cursor.fetchall()]
                stored += len(inserted_slots)
            if spans_json is not None:
                pg_cursor.execute(
                    _recordset_insert_sql(
                        "tracking_appspan", owner_key, SPAN_COLUMNS, NEW_ROWS_ONLY
                    ),
                    [*owner_values, spans_json],
                )
                inserted_spans = {row[0] for row in pg_cursor.fetchall()}
                stored += len(inserted_spans)
                add_app_day_totals(
                    insert_rows,
                    cursor,
                    a,
                    device=device,
                    owner=owner,
                    inserted=[s for s in batch.app_spans if s.id in inserted_spans],
                )
        stored += finish_batch(
            insert_rows,
            cursor,
            a,
            device=device,
            owner=owner,
            screenshot_rows=screenshot_rows(a, batch),
            inserted_slots=inserted_slots,
            now=now,
        )
    return Stored(items=stored, clipping=clipping)
