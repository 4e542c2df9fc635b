"""Idle periods: idle time inside a time entry, and the employee's decision on it.

Each period names the entry it interrupted (`entry_id`) and the time entry that holds the idle
time itself (`idle_entry_id`), which, with everything recorded under it, stays out of every batch
and image upload until `decision` is set (outbox.IDLE_HELD_SQL). The rules (when idle time begins
and ends, what each decision does) are recording/idle.py's.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Literal

from worklens_agent.clock import from_text, to_text
from worklens_agent.journal.store import Store
from worklens_wire.v1 import TimeEntry

IdleDecision = Literal["keep", "discard", "reassign"]


@dataclass(frozen=True)
class IdlePeriod:
    """Idle time inside the time entry `entry_id`; `ended_at` is None while it goes on."""

    id: uuid.UUID
    entry_id: uuid.UUID
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class PeriodRow:
    """An idle period with the entry holding its idle time and the decision taken, if any."""

    period: IdlePeriod
    idle_entry_id: uuid.UUID
    decision: IdleDecision | None


def _row(row: sqlite3.Row) -> PeriodRow:
    return PeriodRow(
        period=IdlePeriod(
            id=uuid.UUID(row["id"]),
            entry_id=uuid.UUID(row["entry_id"]),
            started_at=from_text(row["started_at"]),
            ended_at=None if row["ended_at"] is None else from_text(row["ended_at"]),
        ),
        idle_entry_id=uuid.UUID(row["idle_entry_id"]),
        decision=row["decision"],
    )


def pending_idle(store: Store) -> list[IdlePeriod]:
    """Idle periods waiting for a decision, oldest first (the one going on, if any, included)."""
    rows = store.conn.execute(
        "SELECT * FROM idle_periods WHERE decision IS NULL ORDER BY started_at"
    ).fetchall()
    return [_row(row).period for row in rows]


def open_period(store: Store) -> PeriodRow | None:
    """The idle period going on now, if any."""
    return open_period_in(store.conn)


def open_period_in(conn: sqlite3.Connection) -> PeriodRow | None:
    """The idle period going on now, if any."""
    row = conn.execute(
        "SELECT * FROM idle_periods WHERE decision IS NULL AND ended_at IS NULL"
    ).fetchone()
    return None if row is None else _row(row)


def period_in(conn: sqlite3.Connection, period_id: uuid.UUID) -> PeriodRow | None:
    row = conn.execute("SELECT * FROM idle_periods WHERE id = ?", (str(period_id),)).fetchone()
    return None if row is None else _row(row)


def idle_entry(store: Store, period_id: uuid.UUID) -> TimeEntry | None:
    """The time entry holding the idle time of `period_id` (once discarded: None, or only its
    stretch, kept for a server that shows discarded idle time)."""
    row = store.conn.execute(
        "SELECT e.payload FROM idle_periods AS p JOIN items AS e ON e.id = p.idle_entry_id "
        "WHERE p.id = ?",
        (str(period_id),),
    ).fetchone()
    return None if row is None else TimeEntry.model_validate_json(row[0])


def held_item_count(store: Store) -> int:
    """Journal items held back until an idle decision (the idle entries and their items)."""
    row = store.conn.execute(
        "SELECT count(*) FROM items AS i JOIN idle_periods AS p ON p.decision IS NULL "
        "AND p.idle_entry_id IN (i.id, json_extract(i.payload, '$.time_entry_id'))"
    ).fetchone()
    return int(row[0])


def was_discarded(conn: sqlite3.Connection, entry_id: uuid.UUID) -> bool:
    """True when `entry_id` was idle time the employee discarded (nothing more is recorded)."""
    row = conn.execute(
        "SELECT 1 FROM idle_periods WHERE idle_entry_id = ? AND decision = 'discard'",
        (str(entry_id),),
    ).fetchone()
    return row is not None


def insert_period_in(
    conn: sqlite3.Connection,
    period: IdlePeriod,
    *,
    idle_entry_id: uuid.UUID,
    detected_at: dt.datetime,
) -> None:
    conn.execute(
        "INSERT INTO idle_periods (id, entry_id, idle_entry_id, started_at, detected_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            str(period.id),
            str(period.entry_id),
            str(idle_entry_id),
            to_text(period.started_at),
            to_text(detected_at),
        ),
    )


def set_ended_in(conn: sqlite3.Connection, period_id: uuid.UUID, end: dt.datetime) -> None:
    conn.execute(
        "UPDATE idle_periods SET ended_at = ? WHERE id = ?", (to_text(end), str(period_id))
    )


def set_decision_in(
    conn: sqlite3.Connection, period_id: uuid.UUID, decision: IdleDecision, at: dt.datetime
) -> None:
    conn.execute(
        "UPDATE idle_periods SET decision = ?, decided_at = ? WHERE id = ?",
        (decision, to_text(at), str(period_id)),
    )
