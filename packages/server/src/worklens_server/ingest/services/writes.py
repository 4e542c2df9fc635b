"""The statements both databases run alike: the batch's receipt, its time entries, its screenshot
records, the device's last-seen time and the day rollup. Each database's writer passes its own
multi-row insert (`InsertRows`) for the statements that carry the batch's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db.backends.utils import CursorWrapper

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.errors import BatchIdTaken
from worklens_server.ingest.services.rows import (
    NO_IMAGE_YET,
    ROLLUP_COLUMNS,
    SCREENSHOT_COLUMNS,
    TIME_ENTRY_COLUMNS,
    Adapters,
    Columns,
    Constants,
    day_rollup_rows,
)
from worklens_wire.v1 import ActivitySlot, UploadBatch

#: insert_rows(cursor, table, constants, columns, rows, tail): insert `rows` (values for
#: `columns`, plus `constants` on every row) in as few statements as the database allows, and
#: return the RETURNING column of the rows actually written.
InsertRows = Callable[
    [CursorWrapper, str, Constants, Columns, Sequence[tuple[Any, ...]], str], list[Any]
]

# An entry already stopped, or belonging to another device, is never changed; an open entry is
# only ever moved to stopped (the agent sends each entry at start and again at stop).
TIME_ENTRY_CONFLICT = (
    "ON CONFLICT (id) DO UPDATE SET stopped_at = excluded.stopped_at, "
    "project_id = excluded.project_id, task_id = excluded.task_id, notes = excluded.notes "
    "WHERE tracking_timeentry.stopped_at IS NULL AND excluded.stopped_at IS NOT NULL "
    "AND tracking_timeentry.device_id = excluded.device_id"
)
NEW_ROWS_ONLY = "ON CONFLICT (id) DO NOTHING RETURNING id"
ROLLUP_CONFLICT = (
    "ON CONFLICT (member_id, day) DO UPDATE SET "
    "tracked_seconds = tracking_memberdayrollup.tracked_seconds + excluded.tracked_seconds, "
    "active_seconds = tracking_memberdayrollup.active_seconds + excluded.active_seconds, "
    "keyboard_events = tracking_memberdayrollup.keyboard_events + excluded.keyboard_events, "
    "mouse_events = tracking_memberdayrollup.mouse_events + excluded.mouse_events"
)


def claim_batch(
    cursor: CursorWrapper,
    a: Adapters,
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
        raise BatchIdTaken(f"batch_id: batch {batch.batch_id} was sent by another device")
    return False


def insert_time_entries(
    insert_rows: InsertRows, cursor: Any, owner: Constants, rows: list[tuple[Any, ...]]
) -> int:
    """Upsert the batch's time entries; how many were written (new, or moved to stopped)."""
    if not rows:
        return 0
    return len(
        insert_rows(
            cursor,
            "tracking_timeentry",
            owner,
            TIME_ENTRY_COLUMNS,
            rows,
            TIME_ENTRY_CONFLICT + " RETURNING id",
        )
    )


def finish_batch(
    insert_rows: InsertRows,
    cursor: Any,
    a: Adapters,
    *,
    device: AuthenticatedDevice,
    owner: Constants,
    screenshot_rows: list[tuple[Any, ...]],
    inserted_slots: list[ActivitySlot],
    now: dt.datetime,
) -> int:
    """The writes after the hot tables: screenshot records, the device's last-seen time, and the
    day rollup from the slots actually inserted. Returns the screenshot records stored."""
    stored = 0
    if screenshot_rows:
        stored = len(
            insert_rows(
                cursor,
                "tracking_screenshot",
                owner + NO_IMAGE_YET,
                SCREENSHOT_COLUMNS,
                screenshot_rows,
                NEW_ROWS_ONLY,
            )
        )
    cursor.execute(
        "UPDATE devices_device SET last_seen_at = %s WHERE id = %s",
        [a.datetime(now), a.uuid(device.id)],
    )
    # Last, so the shared per-member rollup rows stay locked for the shortest time.
    if inserted_slots:
        insert_rows(
            cursor,
            "tracking_memberdayrollup",
            owner[:2],
            ROLLUP_COLUMNS,
            day_rollup_rows(a, timezone_name=device.company_timezone, slots=inserted_slots),
            ROLLUP_CONFLICT,
        )
    return stored
