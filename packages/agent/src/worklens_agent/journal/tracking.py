"""The tracking state: which time entry is open, if any (at most one).

The open entry's latest payload lives in the journal (items.py); this table only names it, and
both are written in one transaction. Every reader reads it fresh: `worklens-agent start` and
`stop` run in other processes than the tracker.
"""

from __future__ import annotations

import sqlite3
import uuid

from worklens_agent.journal.items import time_entry_in
from worklens_agent.journal.store import Store
from worklens_wire.v1 import TimeEntry


def open_entry_id_in(conn: sqlite3.Connection) -> uuid.UUID | None:
    row = conn.execute("SELECT entry_id FROM tracking WHERE singleton = 1").fetchone()
    return None if row is None else uuid.UUID(row[0])


def open_entry_in(conn: sqlite3.Connection) -> TimeEntry | None:
    """The open time entry, read on `conn` (inside the caller's transaction, if any)."""
    entry_id = open_entry_id_in(conn)
    if entry_id is None:
        return None
    entry = time_entry_in(conn, entry_id)
    if entry is None:  # the tracking row and the journal are written in one transaction
        raise RuntimeError(f"open entry {entry_id} is missing from the journal")
    return entry


def current_entry(store: Store) -> TimeEntry | None:
    """The open time entry, read fresh from the database (another process may have changed it)."""
    return open_entry_in(store.conn)


def get_entry(store: Store, entry_id: uuid.UUID) -> TimeEntry | None:
    return time_entry_in(store.conn, entry_id)


def set_open_entry_in(conn: sqlite3.Connection, entry_id: uuid.UUID) -> None:
    """Make `entry_id` the open entry (the caller recorded it in the same transaction)."""
    conn.execute(
        "INSERT INTO tracking (singleton, entry_id) VALUES (1, ?) "
        "ON CONFLICT (singleton) DO UPDATE SET entry_id = excluded.entry_id",
        (str(entry_id),),
    )


def clear_open_entry_in(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM tracking WHERE singleton = 1")
