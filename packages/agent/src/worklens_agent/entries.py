"""Starting and stopping time entries: each one durable transaction in the journal.

Times are cut to whole seconds so that slot lengths (whole seconds on the wire) add up exactly to
the entry's duration.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

from worklens_agent.outbox import record_in
from worklens_agent.store import Store, utcnow
from worklens_wire import new_id
from worklens_wire.v1 import TimeEntry


class TrackingError(Exception):
    """A start while tracking, or a stop while not tracking."""


def whole_second(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _entry_in(conn: sqlite3.Connection, entry_id: str) -> TimeEntry:
    row = conn.execute(
        "SELECT payload FROM items WHERE id = ? AND kind = 'time_entry'", (entry_id,)
    ).fetchone()
    if row is None:  # the tracking row and the journal are written in one transaction
        raise RuntimeError(f"open entry {entry_id} is missing from the journal")
    return TimeEntry.model_validate_json(row["payload"])


def current_entry(store: Store) -> TimeEntry | None:
    """The open time entry, read fresh from the database (another process may have changed it)."""
    row = store.conn.execute("SELECT entry_id FROM tracking WHERE singleton = 1").fetchone()
    return None if row is None else _entry_in(store.conn, row["entry_id"])


def get_entry(store: Store, entry_id: uuid.UUID) -> TimeEntry | None:
    row = store.conn.execute(
        "SELECT payload FROM items WHERE id = ? AND kind = 'time_entry'", (str(entry_id),)
    ).fetchone()
    return None if row is None else TimeEntry.model_validate_json(row["payload"])


def start_entry(
    store: Store,
    *,
    project_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
    notes: str = "",
    now: dt.datetime | None = None,
) -> TimeEntry:
    """Open a new time entry; it is in the outbox when this returns."""
    with store.transaction() as conn:
        row = conn.execute("SELECT entry_id FROM tracking WHERE singleton = 1").fetchone()
        if row is not None:
            open_entry = _entry_in(conn, row["entry_id"])
            raise TrackingError(
                f"already tracking entry {open_entry.id} since "
                f"{open_entry.started_at.astimezone():%H:%M:%S}; stop it first"
            )
        entry = TimeEntry(
            id=new_id(),
            started_at=whole_second(now or utcnow()),
            project_id=project_id,
            task_id=task_id,
            notes=notes,
        )
        record_in(conn, entry)
        conn.execute("INSERT INTO tracking (singleton, entry_id) VALUES (1, ?)", (str(entry.id),))
    return entry


def stop_entry(store: Store, *, now: dt.datetime | None = None) -> TimeEntry:
    """Close the open entry: the same id is recorded again with `stopped_at` (revision + 1)."""
    with store.transaction() as conn:
        row = conn.execute("SELECT entry_id FROM tracking WHERE singleton = 1").fetchone()
        if row is None:
            raise TrackingError("not tracking")
        entry = _entry_in(conn, row["entry_id"])
        stopped_at = max(whole_second(now or utcnow()), entry.started_at)
        stopped = entry.model_copy(update={"stopped_at": stopped_at})
        record_in(conn, stopped)
        conn.execute("DELETE FROM tracking WHERE singleton = 1")
    return stopped
