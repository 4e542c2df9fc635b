"""The journal's schema and its migrations: the store upgrades itself, one step at a time.

The schema's version is SQLite's `PRAGMA user_version`. Opening a store applies every step above
the database's version, each in its own transaction with the version it reaches, so an upgrade
that fails part-way leaves the database at the last step that committed, and two processes
opening the store at once apply each step once. A database made by a newer agent (a version above
the last step here) is refused rather than written by code that does not know its schema.

Agents in the field are upgraded in place: their outbox (items not yet acknowledged, batches
persisted before sending, screenshot files waiting) must survive every step. So a step never
drops or rewrites what an older agent recorded; `tests/agent/journal/test_schema.py` upgrades a
database made by the first release's schema with its pending items and checks they still go out.

Version 0 is a database made before versions were kept: the first release wrote the schema of
step 1 without setting a version. Step 1 creates only what is missing, so it upgrades those in
place. A new step goes at the end of MIGRATIONS, with the next number.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

log = logging.getLogger(__name__)


class JournalTooNew(Exception):
    """The database was upgraded by a newer agent; this one must not write to it."""


@dataclass(frozen=True)
class Migration:
    version: int
    purpose: str
    statements: tuple[str, ...]


def statements(script: str) -> tuple[str, ...]:
    """The statements of `script`, split on ";" (so its comments must not contain one)."""
    return tuple(statement.strip() for statement in script.split(";") if statement.strip())


# The schema of the first release, agent 0.1.0.
_BASELINE = """
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
-- Idle time (no input for the policy's threshold while tracking), see recording/idle.py. The
-- idle time is its own time entry (`idle_entry_id`) which, with its slots, spans and screenshots,
-- is held back from upload until the employee decides: keep, discard, or keep as another task.
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

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the schema of the first release (agent 0.1.0)", statements(_BASELINE)),
)
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Apply the steps above the database's version, in order; returns the version reached.

    `conn` must be in autocommit mode (isolation_level=None): each step is its own
    BEGIN IMMEDIATE ... COMMIT, and the version is read again inside it, so a step another
    process applied meanwhile is not applied twice.
    """
    latest = migrations[-1].version
    current = schema_version(conn)
    if current > latest:
        raise JournalTooNew(
            f"the agent's database has schema version {current}, newer than this agent knows "
            f"({latest}): it was opened by a newer agent; install that one again"
        )
    for step in migrations:
        if step.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            if current < step.version:
                for statement in step.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(step.version)}")
                log.info("agent database upgraded to version %d: %s", step.version, step.purpose)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        current = max(current, step.version)
    return current
