"""Builds activity slots while a time entry is open.

Slots are aligned to wall-clock multiples of the policy's `slot_seconds`: a slot starts at
max(boundary, entry start) and its length is the tracked seconds inside it. Each tick (about a
second) the tracker asks the activity source whether there was input and adds the event counts.
The open entry is read from the store on every tick, so `worklens-agent start`/`stop` run in
another process take effect here within a tick. Each finished slot is recorded in its own
committed transaction. App spans are built alongside (spans.py): the tracker tells the span
builder where slots begin and end, so a span never crosses a slot boundary or a time entry.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from worklens_agent.entries import current_entry, get_entry, whole_second
from worklens_agent.outbox import Outbox
from worklens_agent.sources import NO_ACTIVITY, ActivitySample, ActivitySource
from worklens_agent.sources.browser_tabs import LatestTabs
from worklens_agent.sources.window import WindowSource
from worklens_agent.spans import SpanBuilder
from worklens_agent.store import Store, utcnow
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, Policy, TimeEntry

log = logging.getLogger(__name__)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def slot_boundary(moment: dt.datetime, slot_seconds: int) -> dt.datetime:
    """The latest wall-clock multiple of `slot_seconds` at or before `moment`."""
    elapsed = int((moment - EPOCH).total_seconds())
    return EPOCH + dt.timedelta(seconds=elapsed - elapsed % slot_seconds)


@dataclass
class _OpenSlot:
    id: uuid.UUID
    entry_id: uuid.UUID
    started_at: dt.datetime
    ends_at: dt.datetime
    active_seconds: int = 0
    keyboard_events: int = 0
    mouse_events: int = 0

    def add(self, sample: ActivitySample) -> None:
        self.keyboard_events += sample.keyboard_events
        self.mouse_events += sample.mouse_events
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
    ) -> None:
        self.store = store
        self.outbox = Outbox(store)
        self.source = source
        self.policy = policy
        self.clock = clock
        self._slot: _OpenSlot | None = None
        self._watching_since: dt.datetime | None = None
        self.spans = SpanBuilder(self.outbox, window, browser=browser)

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
        policy = self.policy()
        sample = self.source.sample()
        if not policy.capture_activity:  # off means not captured at all
            sample = NO_ACTIVITY
        entry = current_entry(self.store)
        finished: list[ActivitySlot] = []
        slot = self._slot
        if slot is not None:
            slot.add(sample)
            if entry is None or entry.id != slot.entry_id:
                stopped = get_entry(self.store, slot.entry_id)
                end = stopped.stopped_at if stopped and stopped.stopped_at else whole_second(now)
                finished += self._finish(slot, min(end, slot.ends_at))
                self.spans.close(min(end, slot.ends_at))
                self._slot = None
            else:
                while now >= slot.ends_at:
                    finished += self._finish(slot, slot.ends_at)
                    self.spans.split(slot.ends_at)
                    slot = self._new_slot(entry, slot.ends_at, policy.slot_seconds)
                self._slot = slot
        if self._slot is None and entry is not None:
            # An entry started while we were watching is covered from its first second, even
            # though this tick sees it up to a tick later (perhaps across a slot boundary); time
            # from before this process watched is not filled in, beyond the slot it started in.
            start = max(
                entry.started_at,
                slot_boundary(self._watching_since, policy.slot_seconds),
                self._last_slot_end(entry.id) or entry.started_at,
            )
            self._slot = self._new_slot(entry, start, policy.slot_seconds)
            self.spans.begin(start)
        if self._slot is not None:
            self.spans.poll(now, self._slot.entry_id, policy)
        return finished

    def flush(self) -> list[ActivitySlot]:
        """Record the partial slot up to now (on shutdown); the next slot resumes from there."""
        slot, self._slot = self._slot, None
        if slot is None:
            return []
        end = min(whole_second(self.clock()), slot.ends_at)
        self.spans.close(end)
        return self._finish(slot, end)

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
        )
        self.outbox.record(recorded)
        log.debug("slot %s recorded: %ss, %ss active", recorded.id, length, recorded.active_seconds)
        return [recorded]

    def _last_slot_end(self, entry_id: uuid.UUID) -> dt.datetime | None:
        """Where the last recorded slot of this entry ended, so a restarted agent never overlaps."""
        row = self.store.conn.execute(
            "SELECT payload FROM items WHERE kind = 'slot' "
            "AND json_extract(payload, '$.time_entry_id') = ? ORDER BY seq DESC LIMIT 1",
            (str(entry_id),),
        ).fetchone()
        if row is None:
            return None
        payload = json.loads(row["payload"])
        started = dt.datetime.fromisoformat(payload["started_at"])
        return started + dt.timedelta(seconds=int(payload["length_seconds"]))
