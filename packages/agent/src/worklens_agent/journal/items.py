"""The item journal: every time entry, slot, app span and screenshot record the agent recorded.

Each item is a row holding the wire model's JSON and a revision. Recording the same id again (a
time entry at stop) bumps the revision; the outbox (outbox.py) sends what the server has not
acknowledged at its current revision. Nothing here deletes an item the server has not
acknowledged, except where the employee discarded it (idle time, a deleted screenshot's slot)
before it ever left the device.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from worklens_agent.clock import from_text, to_text, utcnow
from worklens_agent.journal.store import Store
from worklens_wire.v1 import ActivitySlot, AppSpan, ScreenshotRecord, TimeEntry

ItemKind = Literal["time_entry", "slot", "app_span", "screenshot"]
JournalModel = TimeEntry | ActivitySlot | AppSpan | ScreenshotRecord
EntryItemModel = ActivitySlot | AppSpan | ScreenshotRecord

KIND_OF: dict[type[BaseModel], ItemKind] = {
    TimeEntry: "time_entry",
    ActivitySlot: "slot",
    AppSpan: "app_span",
    ScreenshotRecord: "screenshot",
}
_MODEL_OF: dict[str, type[EntryItemModel]] = {
    "slot": ActivitySlot,
    "app_span": AppSpan,
    "screenshot": ScreenshotRecord,
}

#: Items still to be sent, as SQL: slots the employee discarded are never sent.
_UNSENT = "acked_revision < revision AND id NOT IN (SELECT slot_id FROM discarded_slots)"


@dataclass(frozen=True)
class JournalItem:
    id: uuid.UUID
    kind: ItemKind
    payload: str
    revision: int
    recorded_at: dt.datetime
    acked_revision: int
    acked_at: dt.datetime | None


@dataclass(frozen=True)
class EntryItem:
    """A slot, span or screenshot record of one time entry, and whether it left the device (or
    is in a batch on its way)."""

    id: uuid.UUID
    item: EntryItemModel
    sent: bool


def record_in(
    conn: sqlite3.Connection, item: JournalModel, *, now: dt.datetime | None = None
) -> int:
    """Record `item` inside the caller's transaction; returns its new revision."""
    kind = KIND_OF[type(item)]
    row = conn.execute(
        "INSERT INTO items (id, kind, payload, revision, recorded_at) VALUES (?, ?, ?, 1, ?) "
        "ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, "
        "revision = items.revision + 1, recorded_at = excluded.recorded_at "
        "WHERE items.kind = excluded.kind "
        "RETURNING revision",
        (str(item.id), kind, item.model_dump_json(), to_text(now or utcnow())),
    ).fetchone()
    if row is None:
        raise ValueError(f"item {item.id} is already recorded as another kind")
    return int(row[0])


def rerecord_in(
    conn: sqlite3.Connection, old_id: uuid.UUID, item: JournalModel, now: dt.datetime
) -> None:
    """Replace the unsent item `old_id` by `item` at a new journal position (after everything
    recorded so far: a moved item then never goes in a batch ahead of its new time entry)."""
    delete_item_in(conn, old_id)
    record_in(conn, item, now=now)


def delete_item_in(conn: sqlite3.Connection, item_id: uuid.UUID) -> None:
    conn.execute("DELETE FROM items WHERE id = ?", (str(item_id),))


def get_item(conn: sqlite3.Connection, item_id: uuid.UUID) -> JournalItem | None:
    row = conn.execute("SELECT * FROM items WHERE id = ?", (str(item_id),)).fetchone()
    return None if row is None else _journal_item(row)


def all_items(conn: sqlite3.Connection, kind: ItemKind | None = None) -> list[JournalItem]:
    if kind is None:
        rows = conn.execute("SELECT * FROM items ORDER BY seq").fetchall()
    else:
        rows = conn.execute("SELECT * FROM items WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
    return [_journal_item(row) for row in rows]


def unsent_items(conn: sqlite3.Connection) -> list[JournalItem]:
    """Items recorded but not yet acknowledged at their revision, oldest first (slots the
    employee discarded, which are never sent, left out)."""
    rows = conn.execute(f"SELECT * FROM items WHERE {_UNSENT} ORDER BY seq").fetchall()  # noqa: S608 (constant SQL)
    return [_journal_item(row) for row in rows]


def unsent_count(conn: sqlite3.Connection) -> int:
    """How many items are still to be sent (discarded slots, never sent, not counted)."""
    row = conn.execute(f"SELECT count(*) FROM items WHERE {_UNSENT}").fetchone()  # noqa: S608 (constant SQL)
    return int(row[0])


def time_entry_in(conn: sqlite3.Connection, entry_id: uuid.UUID) -> TimeEntry | None:
    row = conn.execute(
        "SELECT payload FROM items WHERE id = ? AND kind = 'time_entry'", (str(entry_id),)
    ).fetchone()
    return None if row is None else TimeEntry.model_validate_json(row[0])


def screenshot_record_in(conn: sqlite3.Connection, item_id: uuid.UUID) -> ScreenshotRecord:
    row = conn.execute(
        "SELECT payload FROM items WHERE id = ? AND kind = 'screenshot'", (str(item_id),)
    ).fetchone()
    if row is None:
        raise LookupError(f"screenshot record {item_id} is missing from the journal")
    return ScreenshotRecord.model_validate_json(row[0])


def entry_items_in(conn: sqlite3.Connection, entry_id: uuid.UUID) -> list[EntryItem]:
    """The slots, spans and screenshot records of one time entry, in recording order."""
    rows = conn.execute(
        "SELECT i.id, i.kind, i.payload, (i.acked_revision > 0 OR EXISTS ("
        "  SELECT 1 FROM batch_items AS bi WHERE bi.item_id = i.id)) AS sent "
        "FROM items AS i WHERE i.kind IN ('slot', 'app_span', 'screenshot') "
        "AND json_extract(i.payload, '$.time_entry_id') = ? ORDER BY i.seq",
        (str(entry_id),),
    ).fetchall()
    return [
        EntryItem(
            id=uuid.UUID(row["id"]),
            item=_MODEL_OF[row["kind"]].model_validate_json(row["payload"]),
            sent=bool(row["sent"]),
        )
        for row in rows
    ]


def last_slot_end(store: Store, entry_id: uuid.UUID) -> dt.datetime | None:
    """Where the last recorded slot of this entry ended (a restarted agent never overlaps it)."""
    row = store.conn.execute(
        "SELECT payload FROM items WHERE kind = 'slot' "
        "AND json_extract(payload, '$.time_entry_id') = ? ORDER BY seq DESC LIMIT 1",
        (str(entry_id),),
    ).fetchone()
    if row is None:
        return None
    slot = ActivitySlot.model_validate_json(row[0])
    return slot.started_at + dt.timedelta(seconds=slot.length_seconds)


def delete_entry_in(conn: sqlite3.Connection, entry_id: uuid.UUID) -> None:
    """Delete a time entry the employee discarded, with its slots, spans and screenshot records,
    and the discard marks of those slots (its screenshot files are screenshot_files.py's)."""
    conn.execute(
        "DELETE FROM discarded_slots WHERE slot_id IN (SELECT id FROM items WHERE kind = 'slot' "
        "AND json_extract(payload, '$.time_entry_id') = ?)",
        (str(entry_id),),
    )
    conn.execute(
        "DELETE FROM items WHERE kind IN ('slot', 'app_span', 'screenshot') "
        "AND json_extract(payload, '$.time_entry_id') = ?",
        (str(entry_id),),
    )
    conn.execute("DELETE FROM items WHERE id = ? AND kind = 'time_entry'", (str(entry_id),))


def _journal_item(row: sqlite3.Row) -> JournalItem:
    return JournalItem(
        id=uuid.UUID(row["id"]),
        kind=row["kind"],
        payload=row["payload"],
        revision=int(row["revision"]),
        recorded_at=from_text(row["recorded_at"]),
        acked_revision=int(row["acked_revision"]),
        acked_at=None if row["acked_at"] is None else from_text(row["acked_at"]),
    )
