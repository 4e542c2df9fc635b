"""A person at the computer, on a fake clock: an activity source and an idle source in one."""

from __future__ import annotations

import datetime as dt
import uuid

from agent_fake_clock import FakeClock

from worklens_agent.journal.idle_periods import IdlePeriod, pending_idle
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry
from worklens_agent.recording.tracker import Tracker
from worklens_agent.sources.base import NO_ACTIVITY, ActivitySample
from worklens_wire.v1 import Policy


class Desk:
    """The person at the computer: input now and then, seen by both the activity source (counts)
    and the idle source (seconds since the last input), on the fake clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.last_input = clock()
        self.pending: list[ActivitySample] = []

    def touch(self) -> None:
        self.last_input = self.clock()
        self.pending.append(ActivitySample(1, 2, True))

    # ActivitySource
    def sample(self) -> ActivitySample:
        if not self.pending:
            return NO_ACTIVITY
        total = ActivitySample(
            sum(s.keyboard_events for s in self.pending),
            sum(s.mouse_events for s in self.pending),
            True,
        )
        self.pending.clear()
        return total

    def close(self) -> None:
        return None

    # IdleSource
    def idle_seconds(self) -> float:
        return (self.clock() - self.last_input).total_seconds()


def record_idle_period(
    store: Store, *, project_id: uuid.UUID | None = None, come_back: bool = True
) -> IdlePeriod:
    """Track on a fake clock: 5 s of input, 40 s without, input again. Returns the idle period
    (09:00:05 to 09:00:46 on 2 March 2026), ended and waiting for a decision; or, without
    `come_back`, still going on at 09:00:46."""
    start = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
    clock = FakeClock(start)
    desk = Desk(clock)
    policy = Policy(version=1, slot_seconds=10, idle_threshold_seconds=30)
    tracker = Tracker(store, desk, lambda: policy, clock, idle=desk)
    start_entry(store, project_id=project_id, notes="report", now=clock())
    tracker.tick()
    for second in range(46):
        clock.advance(1)
        if second < 5 or (second == 45 and come_back):
            desk.touch()
        tracker.tick()
    [period] = pending_idle(store)
    assert period.ended_at == (start + dt.timedelta(seconds=46) if come_back else None)
    return period
