"""Idle time: no keyboard or mouse input for the policy's threshold while a time entry is open.

How it works (as in Hubstaff, the entry is split around the idle time):
- Detection. The tracker asks the idle source for the seconds since the last input. Once they
  reach `Policy.idle_threshold_seconds`, idle time is recorded as starting at the LAST input, so
  the first threshold seconds are idle too: the open entry is stopped there, and the time from
  there on becomes an "idle entry" (same project, task and notes), which is now the entry being
  tracked. The open entry's slots, spans and screenshots after that moment are cut there and
  moved to the idle entry. They can be, because nothing of the open entry that ends after the
  last input seen is sent before the tracker has seen input after it (`IDLE_CLEARED_KEY`, see
  outbox.IDLE_HELD_SQL); the start is moved later rather than touch anything already sent.
- Holding. The idle entry and everything recorded under it stay in the journal (so they survive
  SIGKILL and restarts) and out of every batch and image upload until the employee decides.
- Return. At the first input the idle entry is stopped at that input and a new entry (same
  project, task and notes) goes on from there; the agent asks what to do with the idle time.
  A timer stopped while idle ends the idle time at the stop; it still waits for a decision.
- Decision (`decide_idle`, from the dialog, the CLI or the tray):
  keep: the idle entry and its items are released as they are;
  discard: the idle entry, its slots, spans and screenshots are deleted: they never leave the
  device, and the server gets the entry before and the entry after, without the idle time;
  reassign: the idle entry gets the chosen project, task and notes, then is released.
  A decision may come at any later time; until then the idle time stays held and is shown by
  `worklens-agent status` and `worklens-agent idle list`. Deciding on idle time that is still
  going on ends it now first (whoever decides is evidently back).
- Without an idle source (no display, Wayland, other OS) idle time cannot be detected and is not
  guessed: nothing is held and no idle time is ever recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, get_args

from pydantic import ValidationError

from worklens_agent.outbox import IDLE_CLEARED_KEY, record_in
from worklens_agent.store import Store, from_text, set_in, to_text, utcnow
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, Policy, ScreenshotRecord, TimeEntry

log = logging.getLogger(__name__)

IdleDecision = Literal["keep", "discard", "reassign"]
#: Overrides the policy's threshold (the wire contract's minimum is 30 s; tests use a few).
THRESHOLD_ENV = "WORKLENS_IDLE_THRESHOLD_SECONDS"
#: Input this much after the idle start counts as coming back (the idle source and the tick clock
#: are read a moment apart, so the last input they imply jitters by a few milliseconds).
RETURN_MARGIN = dt.timedelta(seconds=2)


class IdleSource(Protocol):
    def idle_seconds(self) -> float:
        """Seconds since the last keyboard or mouse input on this computer."""
        ...


class IdleError(Exception):
    """A decision that cannot be applied (unknown or already decided idle time, bad choice)."""


@dataclass(frozen=True)
class IdlePeriod:
    """Idle time inside the time entry `entry_id`; `ended_at` is None while it goes on."""

    id: uuid.UUID
    entry_id: uuid.UUID
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class Decision:
    """What the employee chose for one idle period."""

    decision: IdleDecision
    project_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    notes: str = ""


@dataclass(frozen=True)
class OpenIdle:
    period: IdlePeriod
    idle_entry_id: uuid.UUID


def idle_threshold_seconds(policy: Policy) -> float:
    value = os.environ.get(THRESHOLD_ENV)
    return float(value) if value else float(policy.idle_threshold_seconds)


def set_cleared_until(store: Store, moment: dt.datetime) -> None:
    """The open entry's time up to `moment` is not idle: its items up to there may be sent."""
    store.set(IDLE_CLEARED_KEY, moment.timestamp())


def forget_cleared_until(store: Store) -> None:
    """No idle source runs: nothing is held waiting to see whether it becomes idle time."""
    store.delete(IDLE_CLEARED_KEY)


def _period(row: sqlite3.Row) -> IdlePeriod:
    return IdlePeriod(
        id=uuid.UUID(row["id"]),
        entry_id=uuid.UUID(row["entry_id"]),
        started_at=from_text(row["started_at"]),
        ended_at=None if row["ended_at"] is None else from_text(row["ended_at"]),
    )


def pending_idle(store: Store) -> list[IdlePeriod]:
    """Idle periods waiting for a decision, oldest first (the one going on, if any, included)."""
    rows = store.conn.execute(
        "SELECT * FROM idle_periods WHERE decision IS NULL ORDER BY started_at"
    ).fetchall()
    return [_period(row) for row in rows]


def open_idle(store: Store) -> OpenIdle | None:
    """The idle period going on now, if any."""
    row = store.conn.execute(
        "SELECT * FROM idle_periods WHERE decision IS NULL AND ended_at IS NULL"
    ).fetchone()
    return None if row is None else OpenIdle(_period(row), uuid.UUID(row["idle_entry_id"]))


def idle_entry(store: Store, period_id: uuid.UUID) -> TimeEntry | None:
    """The time entry holding the idle time of `period_id` (None once discarded)."""
    row = store.conn.execute(
        "SELECT e.payload FROM idle_periods AS p JOIN items AS e ON e.id = p.idle_entry_id "
        "WHERE p.id = ?",
        (str(period_id),),
    ).fetchone()
    return None if row is None else TimeEntry.model_validate_json(row["payload"])


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


# --- the tracker's side: detection and return ------------------------------------------------


def _ceil_second(moment: dt.datetime) -> dt.datetime:
    moment = moment.astimezone(dt.UTC)
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(seconds=1)


def _floor_second(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _entry_payload(conn: sqlite3.Connection, entry_id: str) -> TimeEntry:
    row = conn.execute(
        "SELECT payload FROM items WHERE id = ? AND kind = 'time_entry'", (entry_id,)
    ).fetchone()
    if row is None:
        raise RuntimeError(f"time entry {entry_id} is missing from the journal")
    return TimeEntry.model_validate_json(row["payload"])


def _item_end(kind: str, payload: str) -> dt.datetime:
    if kind == "slot":
        slot = ActivitySlot.model_validate_json(payload)
        return slot.started_at + dt.timedelta(seconds=slot.length_seconds)
    if kind == "app_span":
        return AppSpan.model_validate_json(payload).ended_at
    return ScreenshotRecord.model_validate_json(payload).taken_at


def _items_of(conn: sqlite3.Connection, entry_id: uuid.UUID) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT i.id, i.kind, i.payload, (i.acked_revision > 0 OR EXISTS ("
        "  SELECT 1 FROM batch_items AS bi WHERE bi.item_id = i.id)) AS sent "
        "FROM items AS i WHERE i.kind IN ('slot', 'app_span', 'screenshot') "
        "AND json_extract(i.payload, '$.time_entry_id') = ? ORDER BY i.seq",
        (str(entry_id),),
    ).fetchall()


def _sent_until(conn: sqlite3.Connection, entry_id: uuid.UUID) -> dt.datetime | None:
    """Where the latest item of the entry that already left (or is leaving) the device ends."""
    sent = [_item_end(r["kind"], r["payload"]) for r in _items_of(conn, entry_id) if r["sent"]]
    return max(sent, default=None)


def _rerecord(
    conn: sqlite3.Connection, old_id: str, item: ActivitySlot | AppSpan, now: dt.datetime
) -> None:
    # Deleted and inserted again (it was never sent): a new journal position after the entry it
    # now belongs to, so no batch can hold it without its entry.
    conn.execute("DELETE FROM items WHERE id = ?", (old_id,))
    record_in(conn, item, now=now)


def _move_after(
    conn: sqlite3.Connection,
    source: uuid.UUID,
    target: uuid.UUID,
    at: dt.datetime,
    now: dt.datetime,
) -> None:
    """Cut the unsent slots, spans and screenshots of `source` at `at` (a whole second) and move
    what lies after it to `target`. The activity counts stay with the part before `at`: when the
    cut is an idle start there was no input after it."""
    slot_after: dict[str, str] = {}
    for row in _items_of(conn, source):
        if row["sent"]:
            continue
        if row["kind"] == "slot":
            slot = ActivitySlot.model_validate_json(row["payload"])
            end = slot.started_at + dt.timedelta(seconds=slot.length_seconds)
            if end <= at:
                continue
            if slot.started_at >= at:
                _rerecord(conn, row["id"], slot.model_copy(update={"time_entry_id": target}), now)
                slot_after[row["id"]] = row["id"]
                continue
            before = int((at - slot.started_at).total_seconds())
            record_in(
                conn,
                slot.model_copy(
                    update={
                        "length_seconds": before,
                        "active_seconds": min(slot.active_seconds, before),
                    }
                ),
                now=now,
            )
            after = ActivitySlot(
                id=new_id(),
                time_entry_id=target,
                started_at=at,
                length_seconds=int((end - at).total_seconds()),
                active_seconds=0,
                keyboard_events=0,
                mouse_events=0,
            )
            record_in(conn, after, now=now)
            slot_after[row["id"]] = str(after.id)
            conn.execute(  # a slot discarded with its deleted screenshot stays discarded
                "INSERT INTO discarded_slots (slot_id, reason, discarded_at) "
                "SELECT ?, reason, discarded_at FROM discarded_slots WHERE slot_id = ?",
                (str(after.id), row["id"]),
            )
        elif row["kind"] == "app_span":
            span = AppSpan.model_validate_json(row["payload"])
            if span.ended_at <= at:
                continue
            if span.started_at >= at:
                _rerecord(conn, row["id"], span.model_copy(update={"time_entry_id": target}), now)
                continue
            record_in(conn, span.model_copy(update={"ended_at": at}), now=now)
            record_in(
                conn,
                span.model_copy(update={"id": new_id(), "time_entry_id": target, "started_at": at}),
                now=now,
            )
    for row in _items_of(conn, source):
        if row["kind"] != "screenshot" or row["sent"]:
            continue
        shot = ScreenshotRecord.model_validate_json(row["payload"])
        if shot.taken_at < at:
            continue
        slot_id = None if shot.slot_id is None else slot_after.get(str(shot.slot_id))
        moved = shot.model_copy(
            update={
                "time_entry_id": target,
                "slot_id": shot.slot_id if slot_id is None else uuid.UUID(slot_id),
            }
        )
        conn.execute("DELETE FROM items WHERE id = ?", (row["id"],))
        record_in(conn, moved, now=now)
        conn.execute(
            "UPDATE screenshot_files SET time_entry_id = ?, slot_id = ? WHERE item_id = ?",
            (str(target), None if moved.slot_id is None else str(moved.slot_id), row["id"]),
        )


def begin_idle(store: Store, *, last_input: dt.datetime, now: dt.datetime) -> IdlePeriod | None:
    """Record idle time from `last_input` in the open entry (None when nothing is open, idle time
    is already going on, or nothing unsent is left to call idle)."""
    with store.transaction() as conn:
        row = conn.execute("SELECT entry_id FROM tracking WHERE singleton = 1").fetchone()
        if row is None:
            return None
        if conn.execute(
            "SELECT 1 FROM idle_periods WHERE decision IS NULL AND ended_at IS NULL"
        ).fetchone():
            return None
        entry = _entry_payload(conn, row["entry_id"])
        start = max(_ceil_second(last_input), entry.started_at)
        sent = _sent_until(conn, entry.id)
        if sent is not None:
            start = max(start, _ceil_second(sent))
        if start >= _floor_second(now):
            return None
        idle = TimeEntry(
            id=new_id(),
            started_at=start,
            project_id=entry.project_id,
            task_id=entry.task_id,
            notes=entry.notes,
        )
        record_in(conn, entry.model_copy(update={"stopped_at": start}), now=now)
        record_in(conn, idle, now=now)
        conn.execute("UPDATE tracking SET entry_id = ? WHERE singleton = 1", (str(idle.id),))
        _move_after(conn, entry.id, idle.id, start, now)
        period = IdlePeriod(id=new_id(), entry_id=entry.id, started_at=start, ended_at=None)
        conn.execute(
            "INSERT INTO idle_periods (id, entry_id, idle_entry_id, started_at, detected_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (str(period.id), str(entry.id), str(idle.id), to_text(start), to_text(now)),
        )
        set_in(conn, IDLE_CLEARED_KEY, start.timestamp())
    log.info("idle since %s (entry %s; idle time held in entry %s)", start, entry.id, idle.id)
    return period


def _end_in(
    conn: sqlite3.Connection, row: sqlite3.Row, *, at: dt.datetime, now: dt.datetime
) -> IdlePeriod:
    idle = _entry_payload(conn, row["idle_entry_id"])
    tracking = conn.execute("SELECT entry_id FROM tracking WHERE singleton = 1").fetchone()
    if tracking is not None and tracking["entry_id"] == row["idle_entry_id"]:
        end = min(max(_floor_second(at), idle.started_at), max(_floor_second(now), idle.started_at))
        after = TimeEntry(
            id=new_id(),
            started_at=end,
            project_id=idle.project_id,
            task_id=idle.task_id,
            notes=idle.notes,
        )
        record_in(conn, idle.model_copy(update={"stopped_at": end}), now=now)
        record_in(conn, after, now=now)
        conn.execute("UPDATE tracking SET entry_id = ? WHERE singleton = 1", (str(after.id),))
        _move_after(conn, idle.id, after.id, end, now)
    elif idle.stopped_at is not None:  # the timer was stopped while idle
        end = idle.stopped_at
    else:  # not reachable through this module; close it rather than leave it open forever
        end = max(_floor_second(now), idle.started_at)
        record_in(conn, idle.model_copy(update={"stopped_at": end}), now=now)
    conn.execute("UPDATE idle_periods SET ended_at = ? WHERE id = ?", (to_text(end), row["id"]))
    return IdlePeriod(
        id=uuid.UUID(row["id"]),
        entry_id=uuid.UUID(row["entry_id"]),
        started_at=from_text(row["started_at"]),
        ended_at=end,
    )


def end_idle(store: Store, *, at: dt.datetime, now: dt.datetime) -> IdlePeriod | None:
    """The employee is back (input at `at`) or the timer was stopped: end the idle time there."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT * FROM idle_periods WHERE decision IS NULL AND ended_at IS NULL"
        ).fetchone()
        if row is None:
            return None
        period = _end_in(conn, row, at=at, now=now)
    log.info("back after idle time %s .. %s", period.started_at, period.ended_at)
    return period


# --- the employee's side: the decision ---------------------------------------------------------


def decide_idle(
    store: Store,
    period_id: uuid.UUID,
    decision: IdleDecision,
    *,
    project_id: uuid.UUID | None = None,
    task_id: uuid.UUID | None = None,
    notes: str = "",
    now: dt.datetime | None = None,
) -> None:
    """Apply the employee's decision on one idle period, in one transaction."""
    if decision not in get_args(IdleDecision):
        raise IdleError(f"unknown decision {decision!r} (keep, discard or reassign)")
    if decision != "reassign" and (project_id is not None or task_id is not None or notes):
        raise IdleError("a project, task or notes go only with reassign")
    if decision == "reassign" and project_id is None:
        raise IdleError("keeping idle time as another task needs a project")
    now = now or utcnow()
    files: list[Path] = []
    with store.transaction() as conn:
        row = conn.execute("SELECT * FROM idle_periods WHERE id = ?", (str(period_id),)).fetchone()
        if row is None:
            raise IdleError(f"no idle period {period_id} on this device")
        if row["decision"] is not None:
            raise IdleError(f"idle period {period_id} was already decided ({row['decision']})")
        if row["ended_at"] is None:
            _end_in(conn, row, at=now, now=now)
        idle_id = row["idle_entry_id"]
        if decision == "reassign":
            entry = _entry_payload(conn, idle_id)
            try:
                updated = TimeEntry.model_validate(
                    {
                        **entry.model_dump(),
                        "project_id": project_id,
                        "task_id": task_id,
                        "notes": notes,
                    }
                )
            except ValidationError as exc:
                raise IdleError(f"cannot keep the idle time that way: {exc}") from exc
            record_in(conn, updated, now=now)
        elif decision == "discard":
            files = _discard_in(conn, store.home, idle_id)
        conn.execute(
            "UPDATE idle_periods SET decision = ?, decided_at = ? WHERE id = ?",
            (decision, to_text(now), str(period_id)),
        )
    for path in files:
        path.unlink(missing_ok=True)
    log.info("idle period %s: %s", period_id, decision)


def _discard_in(conn: sqlite3.Connection, home: Path, idle_id: str) -> list[Path]:
    """Delete the idle entry and all it holds; returns the screenshot files to remove."""
    from worklens_agent.screenshots import SCREENSHOT_DIR  # screenshots imports the tracker

    files = [
        home / SCREENSHOT_DIR / row["path"]
        for row in conn.execute(
            "SELECT path FROM screenshot_files WHERE time_entry_id = ?", (idle_id,)
        )
    ]
    conn.execute("DELETE FROM screenshot_files WHERE time_entry_id = ?", (idle_id,))
    conn.execute(
        "DELETE FROM discarded_slots WHERE slot_id IN (SELECT id FROM items WHERE kind = 'slot' "
        "AND json_extract(payload, '$.time_entry_id') = ?)",
        (idle_id,),
    )
    conn.execute(
        "DELETE FROM items WHERE kind IN ('slot', 'app_span', 'screenshot') "
        "AND json_extract(payload, '$.time_entry_id') = ?",
        (idle_id,),
    )
    conn.execute("DELETE FROM items WHERE id = ? AND kind = 'time_entry'", (idle_id,))
    return files


def idle_seconds_rounded(period: IdlePeriod, now: dt.datetime | None = None) -> int:
    """The idle period's length in whole seconds (up to now while it goes on)."""
    end = period.ended_at or (now or utcnow())
    return max(0, math.floor((end - period.started_at).total_seconds()))
