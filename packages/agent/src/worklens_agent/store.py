"""The agent's one SQLite database: configuration, tracking state and the item journal.

Durability is the point of this module. The database runs in WAL mode with synchronous=FULL, and
every write happens in its own `BEGIN IMMEDIATE` transaction, so once `start` or `stop` has printed
that something was recorded, a SIGKILL or a power cut a moment later does not lose it.
Each thread or process opens its own `Store`; SQLite's busy timeout serialises writers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DB_NAME = "agent.sqlite3"
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS config (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- At most one open time entry (its latest payload lives in the journal).
CREATE TABLE IF NOT EXISTS tracking (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    entry_id TEXT NOT NULL
);
-- Every recorded item. `seq` keeps recording order: a time entry is sent no later than its slots.
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('time_entry', 'slot', 'app_span', 'screenshot')),
    payload TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    recorded_at TEXT NOT NULL,
    acked_revision INTEGER NOT NULL DEFAULT 0,
    acked_at TEXT
);
CREATE INDEX IF NOT EXISTS items_unacked ON items (seq) WHERE acked_revision < revision;
CREATE INDEX IF NOT EXISTS items_kind ON items (kind, seq);
-- A batch is persisted, body and all, before it is sent, so a retry re-sends the same batch id
-- with the same items and the server can recognise it.
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    item_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'rejected', 'acked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    detail TEXT NOT NULL DEFAULT '',
    acked_at TEXT
);
CREATE INDEX IF NOT EXISTS batches_state ON batches (state, created_at);
CREATE TABLE IF NOT EXISTS batch_items (
    batch_id TEXT NOT NULL REFERENCES batches (batch_id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (batch_id, item_id)
);
CREATE INDEX IF NOT EXISTS batch_items_item ON batch_items (item_id, revision);
-- Screenshot images waiting for upload: one file in screenshots/ per row, named by `path`.
-- The journal item with the same id holds the ScreenshotRecord, and a row exists exactly while its
-- file does, and the item stays out of batches meanwhile (the image upload carries it).
CREATE TABLE IF NOT EXISTS screenshot_files (
    item_id TEXT PRIMARY KEY,
    capture_id TEXT NOT NULL,
    time_entry_id TEXT NOT NULL,
    slot_id TEXT,
    taken_at TEXT NOT NULL,
    monitor INTEGER NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    hold_until TEXT NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS screenshot_files_taken ON screenshot_files (taken_at);
CREATE INDEX IF NOT EXISTS screenshot_files_slot ON screenshot_files (slot_id);
-- Slots whose time the employee discarded by deleting their screenshot: never uploaded.
CREATE TABLE IF NOT EXISTS discarded_slots (
    slot_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    discarded_at TEXT NOT NULL
);
-- Idle time (no input for the policy's threshold while tracking), see idle.py. The idle time is
-- its own time entry (`idle_entry_id`) which, with its slots, spans and screenshots, is held back
-- from upload until the employee decides: keep, discard, or keep as another task.
CREATE TABLE IF NOT EXISTS idle_periods (
    id TEXT PRIMARY KEY,
    entry_id TEXT NOT NULL,
    idle_entry_id TEXT NOT NULL UNIQUE,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    detected_at TEXT NOT NULL,
    decision TEXT CHECK (decision IN ('keep', 'discard', 'reassign')),
    decided_at TEXT
);
CREATE INDEX IF NOT EXISTS idle_periods_undecided ON idle_periods (idle_entry_id)
    WHERE decision IS NULL;
-- Short messages from `worklens-agent run` for the employee (e.g. "screenshot taken"), shown by
-- the UI process, which marks each one shown. `item_id` names the screenshot a notice is about.
CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    item_id TEXT,
    created_at TEXT NOT NULL,
    shown_at TEXT
);
"""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_text(moment: dt.datetime) -> str:
    """ISO 8601 in UTC; these strings sort in time order, which the prune query relies on."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class Store:
    """One connection to the agent database. Not shared between threads."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / DB_NAME
        fresh = not self.path.exists()
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits implicitly.
        self.conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True
        )
        self.conn.row_factory = sqlite3.Row
        if fresh:
            os.chmod(self.path, 0o600)
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._create_schema()

    def _create_schema(self) -> None:
        with self.transaction() as conn:
            # Statements are split on ";", so the schema comments must not contain one.
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front (IMMEDIATE), committed durably on success."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- configuration: small JSON values by key --------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row["value"])

    def set(self, key: str, value: Any) -> None:
        with self.transaction() as conn:
            set_in(conn, key, value)

    def delete(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM config WHERE key = ?", (key,))


def set_in(conn: sqlite3.Connection, key: str, value: Any) -> None:
    """Set a config value inside a transaction the caller holds."""
    conn.execute(
        "INSERT INTO config (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )
