"""Screenshot images waiting on the device: one file each in `<home>/screenshots/`, and its row.

Images are files, never blobs in SQLite. A file is written and synced first; then its
`screenshot_files` row and its journal item (a ScreenshotRecord) are written in one transaction,
so a row exists exactly while its file does (a crash in between leaves an orphan file, removed at
the next start). While the file is here the record stays out of batches: the image upload carries
it, and the slot it belongs to waits until the employee's review window is over, because deleting
the screenshot discards the slot's time (outbox.py).

The rules on top (when to capture, the review window's length, the disk bound) are
recording/screenshots.py's; this module keeps the files and rows consistent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from worklens_agent.clock import from_text, to_text, utcnow
from worklens_agent.journal.items import get_item, record_in, screenshot_record_in
from worklens_agent.journal.outbox import IDLE_HELD_SQL, drop_flags
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_wire.v1 import ScreenshotRecord

log = logging.getLogger(__name__)

SCREENSHOT_DIR = "screenshots"
SkipReason = Literal["private_app", "disk_limit", "deleted_by_employee"]
MediaType = Literal["image/webp", "image/jpeg"]
_SUFFIXES: dict[str, str] = {"image/webp": ".webp", "image/jpeg": ".jpg"}


def file_suffix(media_type: MediaType) -> str:
    """The file name ending of an image of this type."""
    return _SUFFIXES[media_type]


@dataclass(frozen=True)
class HeldScreenshot:
    id: uuid.UUID
    capture_id: uuid.UUID
    time_entry_id: uuid.UUID
    slot_id: uuid.UUID | None
    taken_at: dt.datetime
    monitor: int
    path: Path
    bytes: int
    media_type: str
    hold_until: dt.datetime
    confirmed: bool
    state: str
    attempts: int
    detail: str

    def deletable(self, now: dt.datetime) -> bool:
        return not self.confirmed and now < self.hold_until


class ScreenshotError(Exception):
    """An employee action that cannot be done (unknown id, review window over)."""


class ScreenshotFiles:
    """The images waiting for upload, on one Store connection."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.directory = store.home / SCREENSHOT_DIR

    def _row(self, row: sqlite3.Row) -> HeldScreenshot:
        return HeldScreenshot(
            id=uuid.UUID(row["item_id"]),
            capture_id=uuid.UUID(row["capture_id"]),
            time_entry_id=uuid.UUID(row["time_entry_id"]),
            slot_id=None if row["slot_id"] is None else uuid.UUID(row["slot_id"]),
            taken_at=from_text(row["taken_at"]),
            monitor=int(row["monitor"]),
            path=self.directory / row["path"],
            bytes=int(row["bytes"]),
            media_type=row["media_type"],
            hold_until=from_text(row["hold_until"]),
            confirmed=bool(row["confirmed"]),
            state=row["state"],
            attempts=int(row["attempts"]),
            detail=row["detail"],
        )

    def waiting(self) -> list[HeldScreenshot]:
        rows = self.store.conn.execute(
            "SELECT * FROM screenshot_files ORDER BY taken_at, monitor"
        ).fetchall()
        return [self._row(row) for row in rows]

    def get(self, item_id: uuid.UUID) -> HeldScreenshot | None:
        row = self.store.conn.execute(
            "SELECT * FROM screenshot_files WHERE item_id = ?", (str(item_id),)
        ).fetchone()
        return None if row is None else self._row(row)

    def total_bytes(self) -> int:
        row = self.store.conn.execute("SELECT coalesce(sum(bytes), 0) FROM screenshot_files")
        return int(row.fetchone()[0])

    def add(
        self,
        record: ScreenshotRecord,
        data: bytes,
        media_type: MediaType,
        *,
        capture_id: uuid.UUID,
        hold: float,
        now: dt.datetime,
    ) -> HeldScreenshot:
        """Write the file durably, then its row and journal item in one transaction."""
        self.directory.mkdir(mode=0o700, exist_ok=True)
        name = f"{record.id}{file_suffix(media_type)}"
        final = self.directory / name
        partial = final.with_suffix(final.suffix + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        try:
            with self.store.transaction() as conn:
                record_in(conn, record, now=now)
                conn.execute(
                    "INSERT INTO screenshot_files (item_id, capture_id, time_entry_id, slot_id, "
                    "taken_at, monitor, path, bytes, media_type, hold_until) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(record.id),
                        str(capture_id),
                        str(record.time_entry_id),
                        None if record.slot_id is None else str(record.slot_id),
                        to_text(record.taken_at),
                        record.monitor,
                        name,
                        len(data),
                        media_type,
                        to_text(record.taken_at + dt.timedelta(seconds=hold)),
                    ),
                )
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        held = self.get(record.id)
        assert held is not None  # written just above
        return held

    def _drop_in(
        self, conn: sqlite3.Connection, held: HeldScreenshot, reason: SkipReason, now: dt.datetime
    ) -> None:
        """Replace the item by a skipped record and forget the file row (caller unlinks)."""
        record = screenshot_record_in(conn, held.id)
        skipped = record.model_copy(update={"skipped_reason": reason, "width": 0, "height": 0})
        record_in(conn, skipped, now=now)
        conn.execute("DELETE FROM screenshot_files WHERE item_id = ?", (str(held.id),))

    def confirm(self, item_id: uuid.UUID, *, now: dt.datetime | None = None) -> list[uuid.UUID]:
        """The employee lets this capture (every monitor of it) go up now."""
        held = self._require(item_id)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE screenshot_files SET confirmed = 1, hold_until = min(hold_until, ?) "
                "WHERE capture_id = ?",
                (to_text(now or utcnow()), str(held.capture_id)),
            )
        return [shot.id for shot in self.waiting() if shot.capture_id == held.capture_id]

    def delete_capture(
        self, item_id: uuid.UUID, *, now: dt.datetime | None = None
    ) -> list[uuid.UUID]:
        """The employee deletes a screenshot within its review window.

        Every monitor's image of that capture goes, each recorded as deleted_by_employee, and the
        slot the capture belongs to is discarded: its time is never uploaded. This is what Hubstaff
        does, and for the same reason: a screenshot is the evidence of the slot's work, so deleting
        the evidence also gives up being paid for that slot. Keeping the time would make deletion
        a free way to hide any ten minutes. The slot's upload was held back with the screenshot
        (see Outbox.next_batch), so it has not left the device.
        """
        now = now or utcnow()
        held = self._require(item_id)
        if not held.deletable(now):
            reason = "it was confirmed" if held.confirmed else "its review window is over"
            raise ScreenshotError(f"screenshot {item_id} can no longer be deleted: {reason}")
        siblings = [shot for shot in self.waiting() if shot.capture_id == held.capture_id]
        with self.store.transaction() as conn:
            for shot in siblings:
                self._drop_in(conn, shot, "deleted_by_employee", now)
            if held.slot_id is not None:
                conn.execute(
                    "INSERT INTO discarded_slots (slot_id, reason, discarded_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (slot_id) DO NOTHING",
                    (str(held.slot_id), "screenshot deleted by employee", to_text(now)),
                )
        for shot in siblings:
            shot.path.unlink(missing_ok=True)
        log.info("screenshot %s deleted by the employee; slot %s discarded", item_id, held.slot_id)
        return [shot.id for shot in siblings]

    def _require(self, item_id: uuid.UUID) -> HeldScreenshot:
        held = self.get(item_id)
        if held is None:
            raise ScreenshotError(f"no screenshot {item_id} is waiting on this device")
        return held

    def enforce_disk_limit(self, limit: int, *, now: dt.datetime | None = None) -> list[uuid.UUID]:
        """Drop the oldest images until the rest fit in `limit` bytes; returns the dropped ids."""
        now = now or utcnow()
        dropped: list[HeldScreenshot] = []
        total = self.total_bytes()
        if total <= limit:
            return []
        with self.store.transaction() as conn:
            for shot in self.waiting():  # oldest first
                if total <= limit:
                    break
                self._drop_in(conn, shot, "disk_limit", now)
                dropped.append(shot)
                total -= shot.bytes
        for shot in dropped:
            shot.path.unlink(missing_ok=True)
        if dropped:
            log.warning(
                "screenshot disk limit %d bytes: dropped %d oldest screenshots", limit, len(dropped)
            )
        return [shot.id for shot in dropped]

    def enforce_missing(self, held: HeldScreenshot, *, now: dt.datetime | None = None) -> None:
        """The image file is gone: record the screenshot as dropped (disk_limit is the nearest
        reason the contract has) so its record still reaches the server."""
        with self.store.transaction() as conn:
            self._drop_in(conn, held, "disk_limit", now or utcnow())

    def remove_orphans(self) -> int:
        """Files with no row: left by a crash between writing a file and committing its row."""
        if not self.directory.is_dir():
            return 0
        known = {row[0] for row in self.store.conn.execute("SELECT path FROM screenshot_files")}
        removed = 0
        for path in self.directory.iterdir():
            if path.name not in known:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- upload bookkeeping (used by the uploader) ----------------------------------------------

    def next_upload(self, *, now: dt.datetime | None = None) -> HeldScreenshot | None:
        """The oldest image whose review window is over and whose time entry the server has,
        and whose record the outbox would send too: not idle time waiting for the employee's
        decision, nor taken after the last input seen in the open entry (it may yet turn out to
        be idle time, and an image on the server could no longer be discarded:
        recording/idle.py)."""
        row = self.store.conn.execute(
            "SELECT sf.* FROM screenshot_files AS sf WHERE sf.state = 'pending' "  # noqa: S608 (constant SQL)
            "AND sf.hold_until <= ? AND NOT EXISTS ("
            "  SELECT 1 FROM items AS e WHERE e.id = sf.time_entry_id AND e.acked_revision = 0"
            ") AND NOT EXISTS ("
            f"  SELECT 1 FROM items AS i WHERE i.id = sf.item_id AND ({IDLE_HELD_SQL})"
            ") ORDER BY sf.taken_at, sf.monitor LIMIT 1",
            (to_text(now or utcnow()),),
        ).fetchone()
        return None if row is None else self._row(row)

    def meta_of(self, held: HeldScreenshot) -> str:
        item = get_item(self.store.conn, held.id)
        if item is None:
            raise LookupError(f"screenshot record {held.id} is missing from the journal")
        if self.store.get(Key.SERVER_ACCEPTS_FLAGS) is True:
            return item.payload
        payload = json.loads(item.payload)
        drop_flags(payload)  # an older server refuses the field
        return json.dumps(payload)

    def mark_uploaded(self, held: HeldScreenshot, *, now: dt.datetime | None = None) -> None:
        """The server stored the image (and its record): ack the item, then delete the file."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE items SET acked_revision = revision, acked_at = ? WHERE id = ?",
                (to_text(now or utcnow()), str(held.id)),
            )
            conn.execute("DELETE FROM screenshot_files WHERE item_id = ?", (str(held.id),))
        held.path.unlink(missing_ok=True)

    def mark_attempt(
        self,
        held: HeldScreenshot,
        detail: str,
        *,
        rejected: bool = False,
        now: dt.datetime | None = None,
    ) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE screenshot_files SET attempts = attempts + 1, last_attempt_at = ?, "
                "detail = ?, state = ? WHERE item_id = ?",
                (
                    to_text(now or utcnow()),
                    detail,
                    "rejected" if rejected else "pending",
                    str(held.id),
                ),
            )


# --- idle time moves and discards screenshots (recording/idle.py) ------------------------------


def move_to_entry_in(
    conn: sqlite3.Connection,
    item_id: uuid.UUID,
    *,
    time_entry_id: uuid.UUID,
    slot_id: uuid.UUID | None,
) -> None:
    """The screenshot `item_id` now belongs to another time entry and slot (its file, if any)."""
    conn.execute(
        "UPDATE screenshot_files SET time_entry_id = ?, slot_id = ? WHERE item_id = ?",
        (str(time_entry_id), None if slot_id is None else str(slot_id), str(item_id)),
    )


def forget_entry_files_in(conn: sqlite3.Connection, home: Path, entry_id: uuid.UUID) -> list[Path]:
    """Forget the rows of the images of a discarded time entry; returns the files to delete
    once the caller's transaction has committed."""
    files = [
        home / SCREENSHOT_DIR / row[0]
        for row in conn.execute(
            "SELECT path FROM screenshot_files WHERE time_entry_id = ?", (str(entry_id),)
        )
    ]
    conn.execute("DELETE FROM screenshot_files WHERE time_entry_id = ?", (str(entry_id),))
    return files


def copy_slot_discard_in(conn: sqlite3.Connection, source: uuid.UUID, target: uuid.UUID) -> None:
    """A slot split in two: when the employee discarded `source`, `target` is discarded too."""
    conn.execute(
        "INSERT INTO discarded_slots (slot_id, reason, discarded_at) "
        "SELECT ?, reason, discarded_at FROM discarded_slots WHERE slot_id = ?",
        (str(target), str(source)),
    )
