"""Notices for the employee: written by `worklens-agent run`, shown by `worklens-agent ui`.

The two are separate processes that share only the agent's store, so a notice is a row there.
A notice not shown within FRESH_SECONDS (no UI was running) is not popped up later: what it was
about is listed in the UI's "What is waiting to be sent" window anyway.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from dataclasses import dataclass

from worklens_agent.clock import from_text, to_text, utcnow
from worklens_agent.journal.store import Store

FRESH_SECONDS = 120
KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Notice:
    id: int
    kind: str
    message: str
    item_id: uuid.UUID | None
    created_at: dt.datetime


def post_notice(
    store: Store,
    *,
    kind: str,
    message: str,
    item_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record a notice (and forget those older than a day, shown or not: with no UI running
    nobody reads them, and they would pile up); returns its id."""
    now = now or utcnow()
    with store.transaction() as conn:
        conn.execute("DELETE FROM notices WHERE created_at < ?", (to_text(now - KEEP),))
        cursor = conn.execute(
            "INSERT INTO notices (kind, message, item_id, created_at) VALUES (?, ?, ?, ?)",
            (kind, message, None if item_id is None else str(item_id), to_text(now)),
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _notice(row: sqlite3.Row) -> Notice:
    return Notice(
        id=int(row["id"]),
        kind=row["kind"],
        message=row["message"],
        item_id=None if row["item_id"] is None else uuid.UUID(row["item_id"]),
        created_at=from_text(row["created_at"]),
    )


def take_unshown(store: Store, *, now: dt.datetime | None = None) -> list[Notice]:
    """The notices to show now, oldest first; every unshown notice is marked shown by this call,
    stale ones included, so a notice is shown at most once."""
    now = now or utcnow()
    with store.transaction() as conn:
        rows = conn.execute("SELECT * FROM notices WHERE shown_at IS NULL ORDER BY id").fetchall()
        conn.execute("UPDATE notices SET shown_at = ? WHERE shown_at IS NULL", (to_text(now),))
    fresh_since = now - dt.timedelta(seconds=FRESH_SECONDS)
    return [notice for notice in map(_notice, rows) if notice.created_at >= fresh_since]
