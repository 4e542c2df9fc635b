"""The outbox: the journal's items (items.py) that the server has not acknowledged, sent in
batches.

Rules this module enforces, each because losing or duplicating data would follow otherwise:
- nothing is deleted before the server acknowledged it, and acked items stay 7 days (so `status`
  and the tests can compare what was recorded with what the server holds);
- a batch is written to the database, with the exact revision of each item it holds, before it is
  sent; a retry re-sends that same batch (same batch id, same body) until it is acked or rejected;
- an ack marks acked only the revision that was sent, so a stop recorded while the start was in
  flight is still sent afterwards;
- a batch never holds the same id twice (one row per id, its latest revision).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from dataclasses import dataclass

from worklens_agent.clock import to_text, utcnow
from worklens_agent.journal.idle_periods import IdleDecision
from worklens_agent.journal.items import (
    ItemKind,
    JournalItem,
    JournalModel,
    all_items,
    get_item,
    record_in,
    unsent_count,
    unsent_items,
)
from worklens_agent.journal.store import Store, get_in
from worklens_agent.settings import Key
from worklens_wire import new_id
from worklens_wire.v1 import IdleMark, UploadBatch

KEEP_ACKED = dt.timedelta(days=7)

#: Items held back while idle time is undecided (recording/idle.py): the idle entry itself and
#: everything recorded under it; and the open entry's slots, spans and screenshot records that end
#: after the last input seen, which may still turn out to be the start of idle time. (Ends are
#: compared as seconds since the epoch: julianday() reads the contract's ISO 8601 UTC text.)
IDLE_HELD_SQL = f"""
EXISTS (
    SELECT 1 FROM idle_periods AS p WHERE p.decision IS NULL
    AND p.idle_entry_id IN (i.id, json_extract(i.payload, '$.time_entry_id'))
) OR (
    kind IN ('slot', 'app_span', 'screenshot')
    AND json_extract(i.payload, '$.time_entry_id') IN (SELECT entry_id FROM tracking)
    AND (julianday(json_extract(i.payload, CASE kind WHEN 'slot' THEN '$.started_at'
                                                     WHEN 'app_span' THEN '$.ended_at'
                                                     ELSE '$.taken_at' END)) - 2440587.5) * 86400.0
        + CASE kind WHEN 'slot' THEN json_extract(i.payload, '$.length_seconds') ELSE 0 END
        > coalesce(
            (SELECT CAST(value AS REAL) + 0.001 FROM config
             WHERE key = '{Key.IDLE_CLEARED_UNTIL}'),
            1e18
        )
)
"""  # noqa: S608 (a constant: the only value put in is our own key)
DEFAULT_BATCH_ITEMS = 500
#: The wire's idle mark for each decision on idle time (keeping it as another task keeps it).
IDLE_MARK_OF: dict[IdleDecision, IdleMark] = {
    "keep": "kept",
    "reassign": "kept",
    "discard": "discarded",
}


#: Optional fields an older server refuses: sent only once the server said it stores them.
FLAG_FIELDS = ("input_flags", "same_as_previous")


def drop_flags(payload: dict[str, object]) -> None:
    for name in FLAG_FIELDS:
        payload.pop(name, None)


@dataclass(frozen=True)
class PendingBatch:
    """A batch persisted before sending; `body` is re-sent byte for byte on every retry."""

    batch_id: uuid.UUID
    body: str
    item_count: int
    attempts: int
    revisions: dict[uuid.UUID, int]


class Outbox:
    """Journal and outbox operations on one `Store` connection."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    # --- recording ---------------------------------------------------------------------------

    def record(self, item: JournalModel, *, now: dt.datetime | None = None) -> int:
        """Record one item in its own committed transaction; returns its revision."""
        with self.store.transaction() as conn:
            return record_in(conn, item, now=now)

    def get(self, item_id: uuid.UUID) -> JournalItem | None:
        return get_item(self.conn, item_id)

    def items(self, kind: ItemKind | None = None) -> list[JournalItem]:
        return all_items(self.conn, kind)

    def pending_count(self) -> int:
        """Items still to be sent (slots the employee discarded are never sent, so not counted)."""
        return unsent_count(self.conn)

    def unsent(self) -> list[JournalItem]:
        """Items still to be sent, oldest first (discarded slots left out)."""
        return unsent_items(self.conn)

    # --- batches -----------------------------------------------------------------------------

    def next_batch(
        self,
        *,
        device_id: uuid.UUID,
        limit: int = DEFAULT_BATCH_ITEMS,
        now: dt.datetime | None = None,
    ) -> PendingBatch | None:
        """The batch to send now: the oldest unfinished pending batch, else a new one, else None.

        Items whose current revision is already held by a pending or rejected batch are left out
        of new batches: the pending one will deliver them, and re-sending what the server rejected
        under a new batch id would only loop.

        Screenshots add three exclusions (see journal/screenshot_files.py):
        - a screenshot record whose image file is still on disk: the image upload carries the
          record, and a batch must not store it first without its image;
        - a slot with a screenshot still held for the employee's review: deleting that screenshot
          discards the slot, so the slot must not have left the device before the review ends;
        - a slot the employee discarded that way.

        Idle time adds one (see recording/idle.py): items held until the employee decides
        what happens to their idle time, and the open entry's latest items that may still
        become idle time.

        Idle marks are decided here, when the batch is built, and never in a batch already
        written (it is re-sent byte for byte): only while the server is known to accept them
        (`Key.SERVER_ACCEPTS_IDLE_MARKS`) does a kept idle entry go with `idle="kept"` and a
        discarded idle stretch (its start and end, all the journal keeps of it) with
        `idle="discarded"`; otherwise kept idle time goes as plain tracked time, as before, and
        discarded stretches stay out. Flags (slots' input_flags, screenshots' same_as_previous)
        likewise go only while `Key.SERVER_ACCEPTS_FLAGS` is true.
        """
        existing = self._oldest_pending()
        if existing is not None:
            return existing
        now = now or utcnow()
        with self.store.transaction() as conn:
            marks = get_in(conn, Key.SERVER_ACCEPTS_IDLE_MARKS) is True
            flags = get_in(conn, Key.SERVER_ACCEPTS_FLAGS) is True
            rows = conn.execute(
                "SELECT id, kind, payload, revision, (SELECT p.decision FROM idle_periods AS p "  # noqa: S608 (constant SQL)
                "  WHERE kind = 'time_entry' AND p.idle_entry_id = i.id) AS idle_decision "
                "FROM items AS i "
                "WHERE acked_revision < revision AND NOT EXISTS ("
                "  SELECT 1 FROM batch_items AS bi JOIN batches AS b USING (batch_id)"
                "  WHERE bi.item_id = i.id AND bi.revision = i.revision AND b.state != 'acked'"
                ") AND NOT (kind = 'screenshot' AND EXISTS ("
                "  SELECT 1 FROM screenshot_files AS sf WHERE sf.item_id = i.id"
                ")) AND NOT (kind = 'slot' AND (EXISTS ("
                "  SELECT 1 FROM screenshot_files AS sf"
                "  WHERE sf.slot_id = i.id AND sf.hold_until > ?"
                ") OR EXISTS (SELECT 1 FROM discarded_slots AS d WHERE d.slot_id = i.id)"
                f")) AND NOT ({IDLE_HELD_SQL}) AND NOT (NOT ? AND kind = 'time_entry' AND EXISTS ("
                "  SELECT 1 FROM idle_periods AS p"
                "  WHERE p.idle_entry_id = i.id AND p.decision = 'discard'"
                ")) ORDER BY seq LIMIT ?",
                (to_text(now), marks, limit),
            ).fetchall()
            if not rows:
                return None
            batch_id = new_id()
            groups: dict[str, list[object]] = {
                "time_entries": [],
                "slots": [],
                "app_spans": [],
                "screenshots": [],
            }
            field_of = {
                "time_entry": "time_entries",
                "slot": "slots",
                "app_span": "app_spans",
                "screenshot": "screenshots",
            }
            for row in rows:
                payload = json.loads(row["payload"])
                if marks and row["idle_decision"] is not None:
                    payload["idle"] = IDLE_MARK_OF[row["idle_decision"]]
                if not flags:
                    drop_flags(payload)
                groups[field_of[row["kind"]]].append(payload)
            batch = UploadBatch.model_validate(
                {"batch_id": batch_id, "device_id": device_id, "sent_at": now, **groups}
            )
            body = batch.model_dump_json()
            conn.execute(
                "INSERT INTO batches (batch_id, body, item_count, created_at, state) "
                "VALUES (?, ?, ?, ?, 'pending')",
                (str(batch_id), body, len(rows), to_text(now)),
            )
            conn.executemany(
                "INSERT INTO batch_items (batch_id, item_id, revision) VALUES (?, ?, ?)",
                [(str(batch_id), row["id"], row["revision"]) for row in rows],
            )
        return PendingBatch(
            batch_id=batch_id,
            body=body,
            item_count=len(rows),
            attempts=0,
            revisions={uuid.UUID(row["id"]): int(row["revision"]) for row in rows},
        )

    def _oldest_pending(self) -> PendingBatch | None:
        row = self.conn.execute(
            "SELECT * FROM batches WHERE state = 'pending' ORDER BY created_at, rowid LIMIT 1"
        ).fetchone()
        return None if row is None else self._pending_batch(row)

    def _pending_batch(self, row: sqlite3.Row) -> PendingBatch:
        revisions = {
            uuid.UUID(item["item_id"]): int(item["revision"])
            for item in self.conn.execute(
                "SELECT item_id, revision FROM batch_items WHERE batch_id = ?", (row["batch_id"],)
            )
        }
        return PendingBatch(
            batch_id=uuid.UUID(row["batch_id"]),
            body=row["body"],
            item_count=int(row["item_count"]),
            attempts=int(row["attempts"]),
            revisions=revisions,
        )

    def batch_state(self, batch_id: uuid.UUID) -> dict[str, object] | None:
        row = self.conn.execute(
            "SELECT batch_id, state, attempts, detail, item_count FROM batches WHERE batch_id = ?",
            (str(batch_id),),
        ).fetchone()
        return None if row is None else dict(row)

    def rejected_batches(self) -> list[dict[str, object]]:
        rows = self.conn.execute(
            "SELECT batch_id, item_count, detail, last_attempt_at FROM batches "
            "WHERE state = 'rejected' ORDER BY created_at"
        ).fetchall()
        return [dict(row) for row in rows]

    def mark_attempt(
        self, batch_id: uuid.UUID, detail: str, *, now: dt.datetime | None = None
    ) -> None:
        """A send failed in a way worth retrying (network, 5xx, 429): the batch stays pending."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE batches SET attempts = attempts + 1, last_attempt_at = ?, detail = ? "
                "WHERE batch_id = ?",
                (to_text(now or utcnow()), detail, str(batch_id)),
            )

    def mark_acked(self, batch_id: uuid.UUID, *, now: dt.datetime | None = None) -> int:
        """The server stored the batch: mark acked exactly the revisions it held.

        Returns how many items are now fully acknowledged by this batch.
        """
        at = to_text(now or utcnow())
        with self.store.transaction() as conn:
            updated = conn.execute(
                "UPDATE items SET acked_revision = bi.revision, acked_at = ? "
                "FROM batch_items AS bi "
                "WHERE bi.batch_id = ? AND bi.item_id = items.id "
                "AND bi.revision > items.acked_revision",
                (at, str(batch_id)),
            ).rowcount
            conn.execute(
                "UPDATE batches SET state = 'acked', acked_at = ?, attempts = attempts + 1, "
                "last_attempt_at = ?, detail = '' WHERE batch_id = ?",
                (at, at, str(batch_id)),
            )
        return int(updated)

    def mark_rejected(
        self, batch_id: uuid.UUID, detail: str, *, now: dt.datetime | None = None
    ) -> None:
        """The server refused the batch (4xx). Its items are kept and the detail shown in status."""
        at = to_text(now or utcnow())
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE batches SET state = 'rejected', attempts = attempts + 1, "
                "last_attempt_at = ?, detail = ? WHERE batch_id = ?",
                (at, detail, str(batch_id)),
            )

    def requeue_rejected(self, *, older_than: dt.datetime) -> int:
        """Give rejected batches another try (after a server upgrade, say): at most once per
        period, never in a hot loop. The same batch id and body are re-sent. Rejected screenshot
        images get the same second chance."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE screenshot_files SET state = 'pending' "
                "WHERE state = 'rejected' AND last_attempt_at < ?",
                (to_text(older_than),),
            )
            return int(
                conn.execute(
                    "UPDATE batches SET state = 'pending' "
                    "WHERE state = 'rejected' AND last_attempt_at < ?",
                    (to_text(older_than),),
                ).rowcount
            )

    # --- housekeeping ------------------------------------------------------------------------

    def prune(self, *, now: dt.datetime | None = None, keep: dt.timedelta = KEEP_ACKED) -> int:
        """Forget items the server acknowledged more than `keep` ago. Never touches the unacked."""
        cutoff = to_text((now or utcnow()) - keep)
        with self.store.transaction() as conn:
            deleted = conn.execute(
                "DELETE FROM items WHERE acked_revision >= revision AND acked_at < ? "
                "AND id NOT IN (SELECT entry_id FROM tracking)",
                (cutoff,),
            ).rowcount
            conn.execute(
                "DELETE FROM batches WHERE state = 'acked' AND acked_at < ?",
                (cutoff,),
            )
        return int(deleted)
