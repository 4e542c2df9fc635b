"""The agent's one SQLite database: configuration, tracking state and the item journal.

Durability is the point of this module. The database runs in WAL mode with synchronous=FULL, and
every write happens in its own `BEGIN IMMEDIATE` transaction, so once `start` or `stop` has printed
that something was recorded, a SIGKILL or a power cut a moment later does not lose it.
Each thread or process opens its own `Store`; SQLite's busy timeout serialises writers. Opening a
store brings its schema up to date (schema.py).

The journal package is the only place in the agent that holds SQL: the other layers call its
functions and methods, which take either a `Store` (for a read, or a write in a transaction of its
own) or the connection of a transaction the caller holds (the `..._in` functions).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from worklens_agent.journal.schema import migrate
from worklens_agent.settings import Key

#: The connection of a write transaction (`Store.transaction`), handed to the journal's `..._in`
#: functions; other layers pass it along without using it themselves.
Transaction = sqlite3.Connection

DB_NAME = "agent.sqlite3"
BUSY_TIMEOUT_MS = 10_000


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
        try:
            migrate(self.conn)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A write transaction taken up front (IMMEDIATE), committed durably on success."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- configuration: small JSON values by key --------------------------------------------

    def get(self, key: Key, default: Any = None) -> Any:
        return get_in(self.conn, key, default)

    def set(self, key: Key, value: Any) -> None:
        with self.transaction() as conn:
            set_in(conn, key, value)

    def delete(self, *keys: Key) -> None:
        with self.transaction() as conn:
            delete_in(conn, *keys)


def get_in(conn: sqlite3.Connection, key: Key, default: Any = None) -> Any:
    """A config value, read on `conn` (inside the caller's transaction, if it holds one)."""
    row = conn.execute("SELECT value FROM config WHERE key = ?", (key.value,)).fetchone()
    return default if row is None else json.loads(row[0])


def set_in(conn: sqlite3.Connection, key: Key, value: Any) -> None:
    """Set a config value inside a transaction the caller holds."""
    conn.execute(
        "INSERT INTO config (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key.value, json.dumps(value)),
    )


def delete_in(conn: sqlite3.Connection, *keys: Key) -> None:
    """Remove config values inside a transaction the caller holds."""
    conn.executemany("DELETE FROM config WHERE key = ?", [(key.value,) for key in keys])
