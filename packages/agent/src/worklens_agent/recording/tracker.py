"""Builds activity slots while a time entry is open.

Slots are aligned to wall-clock multiples of the policy's `slot_seconds`: a slot starts at
max(boundary, entry start) and its length is the tracked seconds inside it. Each tick (about a
second) the tracker asks the activity source whether there was input and adds the event counts.
The open entry is read from the store on every tick, so `worklens-agent start`/`stop` run in
another process take effect here within a tick. With an idle source the tracker also watches for
idle time and splits the entry around it (idle.py). Each finished slot is recorded in its own
committed transaction. App spans are built alongside (spans.py): the tracker tells the span
builder where slots begin and end, so a span never crosses a slot boundary or a time entry.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from worklens_agent.clock import ONE_SECOND, slot_boundary, utcnow, whole_second
from worklens_agent.journal.idle_periods import IdlePeriod, open_period, was_discarded
from worklens_agent.journal.items import last_slot_end, record_in
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry, get_entry
from worklens_agent.recording.idle import (
    RETURN_MARGIN,
    IdleSource,
    begin_idle,
    end_idle,
    forget_cleared_until,
    idle_threshold_seconds,
    set_cleared_until,
)
from worklens_agent.recording.input_flags import input_flags
from worklens_agent.recording.spans import SpanBuilder
from worklens_agent.sources import NO_ACTIVITY, ActivitySample, ActivitySource
from worklens_agent.sources.browser_tabs import LatestTabs
from worklens_agent.sources.input_timing import InputTiming
from worklens_agent.sources.window import WindowSource
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, Policy, TimeEntry

log = logging.getLogger(__name__)


@dataclass
class _OpenSlot:
    id: uuid.UUID
    entry_id: uuid.UUID
    started_at: dt.datetime
    ends_at: dt.datetime
    active_seconds: int = 0
    keyboard_events: int = 0
    mouse_events: int = 0
    timing: InputTiming = field(default_factory=InputTiming)

    def add(self, sample: ActivitySample) -> None:
        self.keyboard_events += sample.keyboard_events
        self.mouse_events += sample.mouse_events
        if sample.timing is not None:
            self.timing.merge(sample.timing)
        if sample.had_input:
            self.active_seconds += 1


class Tracker:
    def __init__(
        self,
        store: Store,
        source: ActivitySource,
        policy: Callable[[], Policy],
        clock: Callable[[], dt.datetime] = utcnow,
        window: WindowSource | None = None,
        browser: LatestTabs | None = None,
        idle: IdleSource | None = None,
        on_idle_end: Callable[[IdlePeriod], object] | None = None,
        sampling_since: dt.datetime | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.policy = policy
        self.clock = clock
        self._slot: _OpenSlot | None = None
        self._watching_since: dt.datetime | None = None
        #: When the previous tick sampled the source (at first, when the source began sampling,
        #: if known): the sample of a tick covers the time since.
        self._previous_tick: dt.datetime | None = sampling_since
        self.spans = SpanBuilder(store, window, browser=browser)
        self.idle = idle
        self.on_idle_end = on_idle_end
        #: The watermark last written (IDLE_CLEARED_KEY) and the latest end recorded since.
        self._cleared: dt.datetime | None = None
        self._recorded_until: dt.datetime | None = None
        if idle is None:
            forget_cleared_until(store)

    @property
    def open_slot_started_at(self) -> dt.datetime | None:
        return None if self._slot is None else self._slot.started_at

    def slot_at(self, moment: dt.datetime) -> uuid.UUID | None:
        """The id of the open slot when it covers `moment` (screenshots link to it), else None."""
        slot = self._slot
        if slot is None or not slot.started_at <= moment < slot.ends_at:
            return None
        return slot.id

    def tick(self) -> list[ActivitySlot]:
        """Account one tick of activity; returns the slots finished (and recorded) by it."""
        now = self.clock()
        if self._watching_since is None:
            self._watching_since = now
        previous_tick, self._previous_tick = self._previous_tick, now
        policy = self.policy()
        sample = self.source.sample()
        if not policy.capture_activity:  # off means not captured at all
            sample = NO_ACTIVITY
        finished: list[ActivitySlot] = []
        came_back = False
        if self.idle is not None:
            came_back = self._watch_idle(now, policy, finished)
        entry = current_entry(self.store)
        slot = self._slot
        if slot is not None:
            slot.add(sample)
            if entry is None or entry.id != slot.entry_id:
                stopped = get_entry(self.store, slot.entry_id)
                end = stopped.stopped_at if stopped and stopped.stopped_at else whole_second(now)
                finished += self._finish(slot, min(end, slot.ends_at))
                self._note_spans(self.spans.close(min(end, slot.ends_at)))
                self._slot = None
            else:
                while now >= slot.ends_at:
                    finished += self._finish(slot, slot.ends_at)
                    self._note_spans(self.spans.split(slot.ends_at))
                    slot = self._new_slot(entry, slot.ends_at, policy.slot_seconds)
                self._slot = slot
        if self._slot is None and entry is not None:
            # An entry started while we were watching is covered from its first second, even
            # though this tick sees it up to a tick later (perhaps across a slot boundary); time
            # from before this process watched is not filled in, beyond the slot it started in.
            start = max(
                entry.started_at,
                slot_boundary(self._watching_since, policy.slot_seconds),
                last_slot_end(self.store, entry.id) or entry.started_at,
            )
            self._slot = self._new_slot(entry, start, policy.slot_seconds)
            self.spans.begin(start)
            # The input that ended the idle time belongs to the entry after it; and so does a
            # sample taken wholly while the entry was open (an entry open when the agent started:
            # the input since its sources opened). An entry started between two ticks is counted
            # from the next sample. Start times are whole seconds, hence the second's margin.
            if came_back or (
                slot is None
                and previous_tick is not None
                and entry.started_at + ONE_SECOND <= previous_tick
            ):
                self._slot.add(sample)
        if self._slot is not None:
            self._note_spans(self.spans.poll(now, self._slot.entry_id, policy))
        return finished

    def _note_spans(self, spans: list[AppSpan]) -> None:
        for span in spans:
            self._note_recorded(span.ended_at)

    def _note_recorded(self, end: dt.datetime) -> None:
        if self._recorded_until is None or end > self._recorded_until:
            self._recorded_until = end

    def _close_open(self, now: dt.datetime) -> list[ActivitySlot]:
        """Record the open slot and span up to now (before the entry is split for idle time)."""
        slot, self._slot = self._slot, None
        end = whole_second(now)
        if slot is not None:
            end = min(end, slot.ends_at)
            owner = get_entry(self.store, slot.entry_id)  # stopped meanwhile (idle decided)?
            if owner is not None and owner.stopped_at is not None:
                end = min(end, owner.stopped_at)
        self._note_spans(self.spans.close(end))
        return [] if slot is None else self._finish(slot, end)

    def _watch_idle(self, now: dt.datetime, policy: Policy, finished: list[ActivitySlot]) -> bool:
        """Detect idle time and the return from it; True when the employee just came back."""
        assert self.idle is not None
        try:
            idle_for = self.idle.idle_seconds()
        except Exception:  # one failed poll is logged; the next tick goes on
            log.exception("idle poll failed")
            return False
        last_input = now - dt.timedelta(seconds=idle_for)
        entry = current_entry(self.store)
        going_on = open_period(self.store)
        if going_on is None:
            if entry is None:
                return False
            if idle_for >= idle_threshold_seconds(policy):
                finished += self._close_open(now)
                begin_idle(self.store, last_input=last_input, now=now)
                return False
            self._advance_cleared(last_input)
            return False
        if entry is None or entry.id != going_on.idle_entry_id:  # timer stopped while idle
            ended = end_idle(self.store, at=now, now=now)
            self._announce(ended)
            return False
        if last_input <= going_on.period.started_at + RETURN_MARGIN:
            return False
        finished += self._close_open(now)
        ended = end_idle(self.store, at=last_input, now=now)
        self._advance_cleared(last_input)
        self._announce(ended)
        return True

    def _advance_cleared(self, last_input: dt.datetime) -> None:
        """Let the open entry's items up to the last input go: they cannot become idle time.
        Written only when something recorded waits for it (not on every tick with input)."""
        cleared = self._cleared
        if cleared is not None and (
            last_input <= cleared or self._recorded_until is None or self._recorded_until <= cleared
        ):
            return
        set_cleared_until(self.store, last_input)
        self._cleared = last_input

    def _announce(self, period: IdlePeriod | None) -> None:
        if period is None or self.on_idle_end is None:
            return
        try:
            self.on_idle_end(period)
        except Exception:  # asking the employee must never stop the tracking
            log.exception("could not ask about idle time")

    def flush(self) -> list[ActivitySlot]:
        """Record the partial slot up to now (on shutdown); the next slot resumes from there."""
        slot, self._slot = self._slot, None
        if slot is None:
            return []
        now = self.clock()
        end = min(whole_second(now), slot.ends_at)
        self.spans.close(end)
        finished = self._finish(slot, end)
        if self.idle is not None and open_period(self.store) is None:
            # Idle time shorter than the threshold when tracking ends here is not idle time.
            set_cleared_until(self.store, now)
        return finished

    def _new_slot(self, entry: TimeEntry, start: dt.datetime, slot_seconds: int) -> _OpenSlot:
        ends_at = slot_boundary(start, slot_seconds) + dt.timedelta(seconds=slot_seconds)
        return _OpenSlot(id=new_id(), entry_id=entry.id, started_at=start, ends_at=ends_at)

    def _finish(self, slot: _OpenSlot, end: dt.datetime) -> list[ActivitySlot]:
        length = int((end - slot.started_at).total_seconds())
        if length < 1:  # the entry stopped at (or before) the slot's start: nothing tracked
            return []
        recorded = ActivitySlot(
            id=slot.id,
            time_entry_id=slot.entry_id,
            started_at=slot.started_at,
            length_seconds=length,
            active_seconds=min(slot.active_seconds, length),
            keyboard_events=min(slot.keyboard_events, 1_000_000),
            mouse_events=min(slot.mouse_events, 10_000_000),
            input_flags=input_flags(slot.timing) or None,
        )
        with self.store.transaction() as conn:
            if was_discarded(conn, slot.entry_id):  # idle time the employee discarded
                return []
            record_in(conn, recorded)
        self._note_recorded(end)
        log.debug("slot %s recorded: %ss, %ss active", recorded.id, length, recorded.active_seconds)
        return [recorded]
