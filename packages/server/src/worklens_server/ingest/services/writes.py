"""The statements both databases run alike: the batch's receipt, its time entries, the member's
time already covered, its screenshot records, the device's last-seen time and the day rollup.
Each database's writer passes its own multi-row insert (`InsertRows`) for the statements that
carry the batch's rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.errors import BatchIdTaken
from worklens_server.ingest.services.overlaps import Clipping, clip_slots
from worklens_server.ingest.services.rows import (
    ENTRY_ROLLUP_COLUMNS,
    NO_IMAGE_YET,
    ROLLUP_COLUMNS,
    SCREENSHOT_COLUMNS,
    TIME_ENTRY_COLUMNS,
    Adapters,
    Columns,
    Constants,
    as_uuid,
    day_rollup_rows,
)
from worklens_wire.v1 import MAX_SLOT_SECONDS, ActivitySlot, UploadBatch

#: insert_rows(cursor, table, constants, columns, rows, tail): insert `rows` (values for
#: `columns`, plus `constants` on every row) in as few statements as the database allows, and
#: return the RETURNING column of the rows actually written.
InsertRows = Callable[
    [CursorWrapper, str, Constants, Columns, Sequence[tuple[Any, ...]], str], list[Any]
]

# An entry already stopped, or belonging to another device, is never changed; an open entry is
# only ever moved to stopped (the agent sends each entry at start and again at stop). The one other
# change: an entry stored without a mark becomes kept idle time when its device sends it again so
# marked (an agent that learned only later that this server takes marks); its times stay.
TIME_ENTRY_CONFLICT = (
    "ON CONFLICT (id) DO UPDATE SET "
    "stopped_at = coalesce(tracking_timeentry.stopped_at, excluded.stopped_at), "
    "project_id = CASE WHEN tracking_timeentry.stopped_at IS NULL "
    "THEN excluded.project_id ELSE tracking_timeentry.project_id END, "
    "task_id = CASE WHEN tracking_timeentry.stopped_at IS NULL "
    "THEN excluded.task_id ELSE tracking_timeentry.task_id END, "
    "notes = CASE WHEN tracking_timeentry.stopped_at IS NULL "
    "THEN excluded.notes ELSE tracking_timeentry.notes END, "
    "idle = CASE WHEN excluded.idle = 'kept' THEN 'kept' ELSE tracking_timeentry.idle END "
    "WHERE tracking_timeentry.device_id = excluded.device_id AND ("
    "(tracking_timeentry.stopped_at IS NULL AND excluded.stopped_at IS NOT NULL) "
    "OR (tracking_timeentry.idle = '' AND excluded.idle = 'kept'))"
)
NEW_ROWS_ONLY = "ON CONFLICT (id) DO NOTHING RETURNING id"


@dataclass(frozen=True)
class Stored:
    """What one database's writer stored of a batch."""

    items: int
    clipping: Clipping


ENTRY_ROLLUP_CONFLICT = (
    "ON CONFLICT (time_entry_id, day) DO UPDATE SET "
    "tracked_seconds = tracking_entrydayrollup.tracked_seconds + excluded.tracked_seconds, "
    "active_seconds = tracking_entrydayrollup.active_seconds + excluded.active_seconds"
)
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
        member_rows, entry_rows = day_rollup_rows(
            a, timezone_name=device.timezone, slots=inserted_slots
        )
        insert_rows(
            cursor,
            "tracking_entrydayrollup",
            owner[:2],
            ENTRY_ROLLUP_COLUMNS,
            entry_rows,
            ENTRY_ROLLUP_CONFLICT,
        )
        insert_rows(
            cursor,
            "tracking_memberdayrollup",
            owner[:2],
            ROLLUP_COLUMNS,
            member_rows,
            ROLLUP_CONFLICT,
        )
    return stored


def lock_member_time(cursor: CursorWrapper, *, device: AuthenticatedDevice) -> None:
    """On PostgreSQL, hold the member's time until commit: two devices of one member uploading at
    once would each see the other's slots missing and both store the same seconds. A transaction
    advisory lock on the member (64 bits of its UUID) serialises exactly those; other members'
    uploads go on. SQLite has one writer at a time already."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(device.member_id.bytes[:8], "big", signed=True)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def covered_stretches(
    cursor: CursorWrapper,
    a: Adapters,
    *,
    device: AuthenticatedDevice,
    slots: Sequence[ActivitySlot],
) -> tuple[set[uuid.UUID], list[tuple[dt.datetime, dt.datetime]]]:
    """The member's stored slots that may overlap `slots`: their ids, and the stretches of time
    they cover. One indexed range read (member, started_at): a stored slot overlapping the
    batch starts at most MAX_SLOT_SECONDS before its earliest slot."""
    start = min(s.started_at for s in slots) - dt.timedelta(seconds=MAX_SLOT_SECONDS)
    end = max(s.started_at + dt.timedelta(seconds=s.length_seconds) for s in slots)
    cursor.execute(
        "SELECT id, started_at, length_seconds FROM tracking_activityslot "
        "WHERE member_id = %s AND started_at >= %s AND started_at < %s",
        [a.uuid(device.member_id), a.datetime(start), a.datetime(end)],
    )
    ids: set[uuid.UUID] = set()
    stretches: list[tuple[dt.datetime, dt.datetime]] = []
    for slot_id, started_at, length in cursor.fetchall():
        ids.add(as_uuid(slot_id))
        began = _aware(started_at)
        stretches.append((began, began + dt.timedelta(seconds=length)))
    return ids, stretches


def _aware(value: dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):  # SQLite hands back text through a raw cursor
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def place_new_slots(
    cursor: CursorWrapper,
    a: Adapters,
    *,
    device: AuthenticatedDevice,
    slots: Sequence[ActivitySlot],
) -> Clipping:
    """The batch's slots to insert: those not stored yet, each placed beside the member's time
    already covered (overlaps.py). Slots already stored (same id) are kept as they are: the
    insert finds them and counts them as duplicates."""
    if not slots:
        return Clipping()
    stored_ids, covered = covered_stretches(cursor, a, device=device, slots=slots)
    new = [s for s in slots if s.id not in stored_ids]
    clipping = clip_slots(new, covered)
    if clipping.changed:
        clipping.slots += [s for s in slots if s.id in stored_ids]
    else:
        clipping.slots = list(slots)
    return clipping
