"""Slot building with a fake clock and a scripted activity source (no display, no sleeping)."""

from __future__ import annotations

import datetime as dt

from agent_fake_clock import FakeClock

from worklens_agent.clock import slot_boundary
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.recording.tracker import Tracker
from worklens_agent.sources.base import NO_ACTIVITY, ActivitySample
from worklens_wire.v1 import ActivitySlot, Policy

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)  # a multiple of every slot length used here


class ScriptedSource:
    """Returns the queued samples, then no activity."""

    def __init__(self) -> None:
        self.queue: list[ActivitySample] = []
        self.closed = False

    def sample(self) -> ActivitySample:
        return self.queue.pop(0) if self.queue else NO_ACTIVITY

    def close(self) -> None:
        self.closed = True


def _tracker(store: Store, clock: FakeClock, source: ScriptedSource, policy: Policy) -> Tracker:
    return Tracker(store, source, lambda: policy, clock)


def _run(tracker: Tracker, clock: FakeClock, seconds: int) -> list[ActivitySlot]:
    finished: list[ActivitySlot] = []
    for _ in range(seconds):
        clock.advance(1)
        finished += tracker.tick()
    return finished


def _recorded_slots(store: Store) -> list[ActivitySlot]:
    return [ActivitySlot.model_validate_json(i.payload) for i in Outbox(store).items("slot")]


def test_slot_boundary_is_a_wall_clock_multiple() -> None:
    assert slot_boundary(T0 + dt.timedelta(seconds=7, microseconds=5), 5) == T0 + dt.timedelta(
        seconds=5
    )
    assert slot_boundary(T0, 600) == T0


def test_slots_align_to_boundaries_and_count_activity(store: Store) -> None:
    clock = FakeClock(T0 + dt.timedelta(seconds=3))
    source = ScriptedSource()
    tracker = _tracker(store, clock, source, Policy(version=1, slot_seconds=10))
    entry = start_entry(store, now=clock())  # 09:00:03
    tracker.tick()  # opens the first slot at the entry's start
    source.queue = [
        ActivitySample(2, 0, True),
        ActivitySample(0, 5, True),
        NO_ACTIVITY,
        ActivitySample(1, 1, True),
    ]
    finished = _run(tracker, clock, 7)  # to 09:00:10: the first slot ends at the boundary
    assert len(finished) == 1
    first = finished[0]
    assert first.time_entry_id == entry.id
    assert first.started_at == T0 + dt.timedelta(seconds=3)
    assert (first.length_seconds, first.active_seconds) == (7, 3)
    assert (first.keyboard_events, first.mouse_events) == (3, 6)

    source.queue = [ActivitySample(0, 1, True)] * 4
    finished = _run(tracker, clock, 10)  # 09:00:20: a full slot
    assert [
        (s.started_at, s.length_seconds, s.active_seconds, s.mouse_events) for s in finished
    ] == [(T0 + dt.timedelta(seconds=10), 10, 4, 4)]

    _run(tracker, clock, 4)  # 09:00:24
    stop_entry(store, now=clock())
    clock.advance(0.6)  # the running tracker notices on its next tick
    finished = tracker.tick()
    assert [(s.started_at, s.length_seconds, s.active_seconds) for s in finished] == [
        (T0 + dt.timedelta(seconds=20), 4, 0)
    ]
    assert tracker.tick() == []
    # Every finished slot was committed to the journal, and lengths add up to the entry.
    slots = _recorded_slots(store)
    assert [s.id for s in slots] == [first.id, *(s.id for s in slots[1:])]
    assert sum(s.length_seconds for s in slots) == 21


def test_no_slot_without_an_open_entry_and_activity_before_start_is_dropped(store: Store) -> None:
    clock = FakeClock(T0)
    source = ScriptedSource()
    tracker = _tracker(store, clock, source, Policy(version=1, slot_seconds=5))
    source.queue = [ActivitySample(9, 9, True)] * 3
    assert _run(tracker, clock, 3) == []
    start_entry(store, now=clock())  # 09:00:03
    source.queue = [ActivitySample(50, 50, True)]  # input from before the entry was seen
    clock.advance(1)
    tracker.tick()
    _run(tracker, clock, 2)  # to 09:00:06
    slots = _recorded_slots(store)
    assert [(s.started_at, s.length_seconds, s.keyboard_events) for s in slots] == [
        (T0 + dt.timedelta(seconds=3), 2, 0)
    ]


def test_input_since_the_sources_opened_counts_for_an_entry_open_when_the_agent_started(
    store: Store,
) -> None:
    """The run's first tick samples the input since its sources opened (the first keys typed
    after the agent came up): it belongs to an entry that was open all that time."""
    clock = FakeClock(T0)
    policy = Policy(version=1, slot_seconds=5)
    start_entry(store, now=clock())  # 09:00:00, before the agent starts
    clock.advance(2)
    source = ScriptedSource()
    tracker = Tracker(store, source, lambda: policy, clock, sampling_since=clock())
    source.queue = [ActivitySample(7, 3, True)]
    _run(tracker, clock, 3)  # to 09:00:05
    [slot] = _recorded_slots(store)
    # The slot the agent started in is covered from its start (the entry was open).
    assert (slot.started_at, slot.keyboard_events, slot.mouse_events) == (T0, 7, 3)


def test_an_entry_started_just_before_the_agent_does_not_get_the_input_before_it(
    store: Store,
) -> None:
    clock = FakeClock(T0)
    policy = Policy(version=1, slot_seconds=5)
    sampling_since = clock()  # the sources open, then the entry starts within the same second
    start_entry(store, now=clock() + dt.timedelta(milliseconds=400))
    source = ScriptedSource()
    tracker = Tracker(store, source, lambda: policy, clock, sampling_since=sampling_since)
    source.queue = [ActivitySample(7, 3, True)]
    _run(tracker, clock, 5)
    [slot] = _recorded_slots(store)
    assert (slot.keyboard_events, slot.mouse_events) == (0, 0)


def test_flush_records_the_partial_slot_and_a_restart_resumes_without_overlap(
    store: Store,
) -> None:
    clock = FakeClock(T0)
    policy = Policy(version=1, slot_seconds=10)
    entry = start_entry(store, now=clock())
    tracker = _tracker(store, clock, ScriptedSource(), policy)
    tracker.tick()
    _run(tracker, clock, 4)  # 09:00:04
    flushed = tracker.flush()  # SIGTERM
    assert [(s.started_at, s.length_seconds) for s in flushed] == [(T0, 4)]
    # A new `run` process a moment later, inside the same wall-clock slot.
    clock.advance(2)  # 09:00:06
    restarted = _tracker(store, clock, ScriptedSource(), policy)
    restarted.tick()
    assert restarted.open_slot_started_at == T0 + dt.timedelta(seconds=4)
    _run(restarted, clock, 4)  # 09:00:10
    stop_entry(store, now=clock())
    clock.advance(1)
    restarted.tick()
    slots = _recorded_slots(store)
    assert [(s.started_at, s.length_seconds) for s in slots] == [
        (T0, 4),
        (T0 + dt.timedelta(seconds=4), 6),
    ]
    assert all(s.time_entry_id == entry.id for s in slots)


def test_stop_then_start_in_another_process_between_ticks(store: Store) -> None:
    clock = FakeClock(T0)
    tracker = _tracker(store, clock, ScriptedSource(), Policy(version=1, slot_seconds=60))
    first = start_entry(store, now=clock())
    tracker.tick()
    clock.advance(5)
    stop_entry(store, now=clock())  # 09:00:05
    second = start_entry(store, now=clock())
    clock.advance(1)
    tracker.tick()
    clock.advance(3)
    tracker.tick()
    stop_entry(store, now=clock())  # 09:00:09
    clock.advance(1)
    tracker.tick()
    slots = _recorded_slots(store)
    assert [(s.time_entry_id, s.started_at, s.length_seconds) for s in slots] == [
        (first.id, T0, 5),
        (second.id, T0 + dt.timedelta(seconds=5), 4),
    ]


def test_zero_length_entry_records_no_slot_and_activity_policy_off_records_zeros(
    store: Store,
) -> None:
    clock = FakeClock(T0)
    source = ScriptedSource()
    tracker = _tracker(
        store, clock, source, Policy(version=1, slot_seconds=5, capture_activity=False)
    )
    start_entry(store, now=clock())
    tracker.tick()
    stop_entry(store, now=clock())
    clock.advance(1)
    assert tracker.tick() == []
    start_entry(store, now=clock())
    tracker.tick()
    source.queue = [ActivitySample(4, 4, True)] * 5
    finished = _run(tracker, clock, 5)
    assert [
        (s.length_seconds, s.active_seconds, s.keyboard_events, s.mouse_events) for s in finished
    ] == [(4, 0, 0, 0)]


def test_a_long_gap_between_ticks_closes_every_slot_it_crossed(store: Store) -> None:
    clock = FakeClock(T0)
    tracker = _tracker(store, clock, ScriptedSource(), Policy(version=1, slot_seconds=5))
    start_entry(store, now=clock())
    tracker.tick()
    clock.advance(17)
    finished = tracker.tick()
    assert [(s.started_at, s.length_seconds) for s in finished] == [
        (T0, 5),
        (T0 + dt.timedelta(seconds=5), 5),
        (T0 + dt.timedelta(seconds=10), 5),
    ]
    assert tracker.open_slot_started_at == T0 + dt.timedelta(seconds=15)


def test_entry_seen_a_tick_late_across_a_boundary_is_covered_from_its_start(
    store: Store,
) -> None:
    """`start` runs in another process; the tracker may first see the entry after the next slot
    boundary has passed. The seconds before that boundary are still tracked time."""
    clock = FakeClock(T0)
    tracker = _tracker(store, clock, ScriptedSource(), Policy(version=1, slot_seconds=5))
    tracker.tick()  # watching since 09:00:00, nothing tracked yet
    clock.advance(4)
    entry = start_entry(store, now=clock())  # 09:00:04
    clock.advance(1.5)
    assert tracker.tick() == []  # 09:00:05.5: first sight of the entry
    finished = _run(tracker, clock, 5)  # to 09:00:10.5
    assert [(s.started_at, s.length_seconds) for s in finished] == [
        (T0 + dt.timedelta(seconds=4), 1),
        (T0 + dt.timedelta(seconds=5), 5),
    ]
    assert {s.time_entry_id for s in finished} == {entry.id}


def test_time_before_the_tracker_watched_is_not_filled_in(store: Store) -> None:
    """An entry left open while `run` was not running: slots resume at the current slot only."""
    entry = start_entry(store, now=T0)
    clock = FakeClock(T0 + dt.timedelta(seconds=23))
    tracker = _tracker(store, clock, ScriptedSource(), Policy(version=1, slot_seconds=5))
    tracker.tick()
    finished = _run(tracker, clock, 2)  # to 09:00:25
    assert [(s.started_at, s.length_seconds, s.time_entry_id) for s in finished] == [
        (T0 + dt.timedelta(seconds=20), 5, entry.id)
    ]
