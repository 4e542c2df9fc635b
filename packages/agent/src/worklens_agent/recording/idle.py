"""Idle time: no keyboard or mouse input for the policy's threshold while a time entry is open.

How it works (as in Hubstaff, the entry is split around the idle time):
- Detection. The tracker asks the idle source for the seconds since the last input. Once they
  reach `Policy.idle_threshold_seconds`, idle time is recorded as starting at the LAST input, so
  the first threshold seconds are idle too: the open entry is stopped there, and the time from
  there on becomes an "idle entry" (same project, task and notes), which is now the entry being
  tracked. The open entry's slots, spans and screenshots after that moment are cut there and
  moved to the idle entry. They can be, because nothing of the open entry that ends after the
  last input seen is sent before the tracker has seen input after it (`Key.IDLE_CLEARED_UNTIL`,
  see IDLE_HELD_SQL in journal/outbox.py); the start is moved later rather than touch anything
  already sent.
- Holding. The idle entry and everything recorded under it stay in the journal (so they survive
  SIGKILL and restarts) and out of every batch and image upload until the employee decides.
- Return. At the first input the idle entry is stopped at that input and a new entry (same
  project, task and notes) goes on from there; the agent asks what to do with the idle time.
  A timer stopped while idle ends the idle time at the stop; it still waits for a decision.
- Decision (`decide_idle`, from the dialog, the CLI or the tray):
  keep: the idle entry and its items are released as they are;
  discard: the idle entry's slots, spans and screenshots, its project, task and notes are
  deleted: they never leave the device. Only the stretch (its start and end) stays, as a time
  entry that the outbox sends marked "discarded" so the timesheet can show the gap as discarded
  idle time, counted nowhere; and only when the server is known to accept idle marks
  (`Key.SERVER_ACCEPTS_IDLE_MARKS`): otherwise nothing stays, as with older servers;
  reassign: the idle entry gets the chosen project, task and notes, then is released.
  Kept and reassigned idle entries go marked "kept" to servers that accept marks
  (journal/outbox.py decides the marks when it builds a batch).
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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, get_args

from pydantic import ValidationError

from worklens_agent.clock import next_whole_second, utcnow, whole_second
from worklens_agent.journal.idle_periods import (
    IdleDecision,
    IdlePeriod,
    PeriodRow,
    insert_period_in,
    open_period_in,
    period_in,
    set_decision_in,
    set_ended_in,
)
from worklens_agent.journal.items import (
    delete_entry_in,
    entry_items_in,
    record_in,
    rerecord_in,
    time_entry_in,
)
from worklens_agent.journal.screenshot_files import (
    copy_slot_discard_in,
    forget_entry_files_in,
    move_to_entry_in,
)
from worklens_agent.journal.store import Store, Transaction, get_in, set_in
from worklens_agent.journal.tracking import open_entry_id_in, set_open_entry_in
from worklens_agent.settings import Key, idle_threshold_override
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, Policy, ScreenshotRecord, TimeEntry

log = logging.getLogger(__name__)

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
class Decision:
    """What the employee chose for one idle period."""

    decision: IdleDecision
    project_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    notes: str = ""


def idle_threshold_seconds(policy: Policy) -> float:
    """The policy's threshold, unless WORKLENS_IDLE_THRESHOLD_SECONDS overrides it."""
    override = idle_threshold_override()
    return override if override is not None else float(policy.idle_threshold_seconds)


def set_cleared_until(store: Store, moment: dt.datetime) -> None:
    """The open entry's time up to `moment` is not idle: its items up to there may be sent."""
    store.set(Key.IDLE_CLEARED_UNTIL, moment.timestamp())


def forget_cleared_until(store: Store) -> None:
    """No idle source runs: nothing is held waiting to see whether it becomes idle time."""
    store.delete(Key.IDLE_CLEARED_UNTIL)


# --- the tracker's side: detection and return ------------------------------------------------


def _entry(conn: Transaction, entry_id: uuid.UUID) -> TimeEntry:
    entry = time_entry_in(conn, entry_id)
    if entry is None:
        raise RuntimeError(f"time entry {entry_id} is missing from the journal")
    return entry


def _carried_on(entry: TimeEntry, start: dt.datetime) -> TimeEntry:
    """A new entry from `start` on the same work (project, task and notes) as `entry`."""
    return TimeEntry(
        id=new_id(),
        started_at=start,
        project_id=entry.project_id,
        task_id=entry.task_id,
        notes=entry.notes,
    )


def _item_end(item: ActivitySlot | AppSpan | ScreenshotRecord) -> dt.datetime:
    if isinstance(item, ActivitySlot):
        return item.started_at + dt.timedelta(seconds=item.length_seconds)
    if isinstance(item, AppSpan):
        return item.ended_at
    return item.taken_at


def _sent_until(conn: Transaction, entry_id: uuid.UUID) -> dt.datetime | None:
    """Where the latest item of the entry that already left (or is leaving) the device ends."""
    return max((_item_end(i.item) for i in entry_items_in(conn, entry_id) if i.sent), default=None)


def _move_after(
    conn: Transaction,
    source: uuid.UUID,
    target: uuid.UUID,
    at: dt.datetime,
    now: dt.datetime,
) -> None:
    """Cut the unsent slots, spans and screenshots of `source` at `at` (a whole second) and move
    what lies after it to `target`. The activity counts stay with the part before `at`: when the
    cut is an idle start there was no input after it."""
    slot_after: dict[uuid.UUID, uuid.UUID] = {}
    for entry_item in entry_items_in(conn, source):
        item = entry_item.item
        if entry_item.sent:
            continue
        if isinstance(item, ActivitySlot):
            end = item.started_at + dt.timedelta(seconds=item.length_seconds)
            if end <= at:
                continue
            if item.started_at >= at:
                rerecord_in(conn, item.id, item.model_copy(update={"time_entry_id": target}), now)
                slot_after[item.id] = item.id
                continue
            before = int((at - item.started_at).total_seconds())
            record_in(
                conn,
                item.model_copy(
                    update={
                        "length_seconds": before,
                        "active_seconds": min(item.active_seconds, before),
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
            slot_after[item.id] = after.id
            # A slot discarded with its deleted screenshot stays discarded.
            copy_slot_discard_in(conn, item.id, after.id)
        elif isinstance(item, AppSpan):
            if item.ended_at <= at:
                continue
            if item.started_at >= at:
                rerecord_in(conn, item.id, item.model_copy(update={"time_entry_id": target}), now)
                continue
            record_in(conn, item.model_copy(update={"ended_at": at}), now=now)
            record_in(
                conn,
                item.model_copy(update={"id": new_id(), "time_entry_id": target, "started_at": at}),
                now=now,
            )
    for entry_item in entry_items_in(conn, source):
        shot = entry_item.item
        if not isinstance(shot, ScreenshotRecord) or entry_item.sent or shot.taken_at < at:
            continue
        slot_id = None if shot.slot_id is None else slot_after.get(shot.slot_id, shot.slot_id)
        moved = shot.model_copy(update={"time_entry_id": target, "slot_id": slot_id})
        rerecord_in(conn, shot.id, moved, now)
        move_to_entry_in(conn, shot.id, time_entry_id=target, slot_id=slot_id)


def begin_idle(store: Store, *, last_input: dt.datetime, now: dt.datetime) -> IdlePeriod | None:
    """Record idle time from `last_input` in the open entry (None when nothing is open, idle time
    is already going on, or nothing unsent is left to call idle)."""
    with store.transaction() as conn:
        entry_id = open_entry_id_in(conn)
        if entry_id is None or open_period_in(conn) is not None:
            return None
        entry = _entry(conn, entry_id)
        start = max(next_whole_second(last_input), entry.started_at)
        sent = _sent_until(conn, entry.id)
        if sent is not None:
            start = max(start, next_whole_second(sent))
        if start >= whole_second(now):
            return None
        idle = _carried_on(entry, start)
        record_in(conn, entry.model_copy(update={"stopped_at": start}), now=now)
        record_in(conn, idle, now=now)
        set_open_entry_in(conn, idle.id)
        _move_after(conn, entry.id, idle.id, start, now)
        period = IdlePeriod(id=new_id(), entry_id=entry.id, started_at=start, ended_at=None)
        insert_period_in(conn, period, idle_entry_id=idle.id, detected_at=now)
        set_in(conn, Key.IDLE_CLEARED_UNTIL, start.timestamp())
    log.info("idle since %s (entry %s; idle time held in entry %s)", start, entry.id, idle.id)
    return period


def _end_in(conn: Transaction, row: PeriodRow, *, at: dt.datetime, now: dt.datetime) -> IdlePeriod:
    idle = _entry(conn, row.idle_entry_id)
    if open_entry_id_in(conn) == row.idle_entry_id:
        end = min(max(whole_second(at), idle.started_at), max(whole_second(now), idle.started_at))
        after = _carried_on(idle, end)
        record_in(conn, idle.model_copy(update={"stopped_at": end}), now=now)
        record_in(conn, after, now=now)
        set_open_entry_in(conn, after.id)
        _move_after(conn, idle.id, after.id, end, now)
    elif idle.stopped_at is not None:  # the timer was stopped while idle
        end = idle.stopped_at
    else:  # not reachable through this module; close it rather than leave it open forever
        end = max(whole_second(now), idle.started_at)
        record_in(conn, idle.model_copy(update={"stopped_at": end}), now=now)
    set_ended_in(conn, row.period.id, end)
    return IdlePeriod(
        id=row.period.id,
        entry_id=row.period.entry_id,
        started_at=row.period.started_at,
        ended_at=end,
    )


def end_idle(store: Store, *, at: dt.datetime, now: dt.datetime) -> IdlePeriod | None:
    """The employee is back (input at `at`) or the timer was stopped: end the idle time there."""
    with store.transaction() as conn:
        row = open_period_in(conn)
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
        row = period_in(conn, period_id)
        if row is None:
            raise IdleError(f"no idle period {period_id} on this device")
        if row.decision is not None:
            raise IdleError(f"idle period {period_id} was already decided ({row.decision})")
        if row.period.ended_at is None:
            _end_in(conn, row, at=now, now=now)
        if decision == "reassign":
            entry = _entry(conn, row.idle_entry_id)
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
            # The idle entry and all it holds; its screenshot files go once this commits.
            idle = _entry(conn, row.idle_entry_id)
            files = forget_entry_files_in(conn, store.home, row.idle_entry_id)
            delete_entry_in(conn, row.idle_entry_id)
            if get_in(conn, Key.SERVER_ACCEPTS_IDLE_MARKS) is True:
                stretch = TimeEntry(
                    id=idle.id, started_at=idle.started_at, stopped_at=idle.stopped_at
                )
                record_in(conn, stretch, now=now)
        set_decision_in(conn, period_id, decision, now)
    for path in files:
        path.unlink(missing_ok=True)
    log.info("idle period %s: %s", period_id, decision)


def idle_seconds_rounded(period: IdlePeriod, now: dt.datetime | None = None) -> int:
    """The idle period's length in whole seconds (up to now while it goes on)."""
    end = period.ended_at or (now or utcnow())
    return max(0, math.floor((end - period.started_at).total_seconds()))
