"""Idle time with a fake clock, a scripted activity source and a fake idle source: detection from
the last input, the entry split around it, holding, and keep / discard / reassign."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from agent_fake_clock import FakeClock
from agent_fake_desk import Desk
from PIL import Image

from worklens_agent.journal.idle_periods import IdlePeriod, held_item_count, pending_idle
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.screenshot_files import ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.recording.idle import IdleError, decide_idle
from worklens_agent.recording.screenshots import Screenshotter
from worklens_agent.recording.tracker import Tracker
from worklens_agent.settings import SCREENSHOT_HOLD
from worklens_wire.v1 import ActivitySlot, AppSpan, Policy, TimeEntry, UploadBatch

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)
DEVICE = uuid.UUID("0190a000-0000-7000-8000-0000000000de")
PROJECT = uuid.UUID("0190a000-0000-7000-8000-000000000001")
OTHER_PROJECT = uuid.UUID("0190a000-0000-7000-8000-000000000011")
OTHER_TASK = uuid.UUID("0190a000-0000-7000-8000-000000000012")
POLICY = Policy(version=1, slot_seconds=10, idle_threshold_seconds=30)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@dataclass
class FakeUpload:
    """What a server would hold after each upload round: latest entry revisions and items."""

    entries: dict[uuid.UUID, TimeEntry] = field(default_factory=dict)
    slots: dict[uuid.UUID, ActivitySlot] = field(default_factory=dict)
    spans: dict[uuid.UUID, AppSpan] = field(default_factory=dict)

    def round(self, store: Store) -> list[UploadBatch]:
        outbox = Outbox(store)
        sent = []
        while (batch := outbox.next_batch(device_id=DEVICE)) is not None:
            parsed = UploadBatch.model_validate_json(batch.body)
            for entry in parsed.time_entries:
                self.entries[entry.id] = entry
            for slot in parsed.slots:
                assert slot.time_entry_id in self.entries, "a slot arrived before its entry"
                self.slots[slot.id] = slot
            for span in parsed.app_spans:
                self.spans[span.id] = span
            outbox.mark_acked(batch.batch_id)
            sent.append(parsed)
        return sent

    def slot_seconds(self, entry_id: uuid.UUID) -> int:
        return sum(s.length_seconds for s in self.slots.values() if s.time_entry_id == entry_id)


class FixedWindow:
    def active_window(self, *, read_title: bool = True) -> object:
        from worklens_agent.sources.window import ActiveWindow

        return ActiveWindow(app="/usr/bin/editor", title="notes" if read_title else None)

    def close(self) -> None:
        return None


@dataclass
class Rig:
    store: Store
    clock: FakeClock
    desk: Desk
    tracker: Tracker
    returned: list[IdlePeriod]

    def run(self, seconds: int, *, active: bool = False) -> None:
        for _ in range(seconds):
            self.clock.advance(1)
            if active:
                self.desk.touch()
            self.tracker.tick()


def _rig(store: Store, clock: FakeClock | None = None, desk: Desk | None = None) -> Rig:
    clock = clock or FakeClock(T0)
    desk = desk or Desk(clock)
    returned: list[IdlePeriod] = []
    tracker = Tracker(
        store,
        desk,
        lambda: POLICY,
        clock,
        window=FixedWindow(),  # type: ignore[arg-type]
        idle=desk,
        on_idle_end=returned.append,
    )
    return Rig(store, clock, desk, tracker, returned)


def _idle_scenario(store: Store, server: FakeUpload) -> tuple[Rig, TimeEntry, IdlePeriod]:
    """09:00:00 start; input each second to 09:00:12; nothing until 09:01:05; input again."""
    rig = _rig(store)
    entry = start_entry(store, project_id=PROJECT, notes="report", now=rig.clock())
    rig.tracker.tick()
    rig.run(12, active=True)  # last input 09:00:12
    server.round(store)
    rig.run(13)  # 09:00:25: not idle yet (threshold 30 s), but the time since 09:00:12 may be
    server.round(store)
    assert all(
        s.started_at + dt.timedelta(seconds=s.length_seconds) <= at(12)
        for s in server.slots.values()
    )
    assert pending_idle(store) == []
    rig.run(17)  # 09:00:42: 30 s without input: idle since the last input
    [period] = pending_idle(store)
    assert (period.entry_id, period.started_at, period.ended_at) == (entry.id, at(12), None)
    idle_entry = current_entry(store)
    assert idle_entry is not None
    assert idle_entry.id != entry.id
    assert (idle_entry.started_at, idle_entry.project_id, idle_entry.notes) == (
        at(12),
        PROJECT,
        "report",
    )
    server.round(store)
    # The entry before the idle time reached the server, stopped at the last input; none of the
    # idle time did, not even the part before the threshold was reached.
    assert server.entries[entry.id].stopped_at == at(12)
    assert idle_entry.id not in server.entries
    assert server.slot_seconds(entry.id) == 12
    assert all(s.time_entry_id == entry.id for s in server.slots.values())
    assert all(s.ended_at <= at(12) for s in server.spans.values())
    rig.run(23)  # 09:01:05, still idle
    rig.clock.advance(1)
    rig.desk.touch()  # 09:01:06: back
    rig.tracker.tick()
    [ended] = rig.returned
    assert ended == IdlePeriod(period.id, entry.id, at(12), at(66))
    assert pending_idle(store) == [ended]
    rig.run(20, active=True)  # 09:01:26
    server.round(store)
    after = current_entry(store)
    assert after is not None
    assert after.id not in (entry.id, idle_entry.id)
    assert (after.started_at, after.project_id, after.notes) == (at(66), PROJECT, "report")
    assert idle_entry.id not in server.entries  # held until the decision
    assert after.id in server.entries
    assert server.slot_seconds(after.id) >= 10
    return rig, entry, ended


def test_idle_time_starts_at_the_last_input_and_discarding_removes_it(store: Store) -> None:
    server = FakeUpload()
    rig, _entry, period = _idle_scenario(store, server)
    held = held_item_count(store)
    assert held >= 7  # the idle entry, its slots (12..20, 20..30, .. 60..66) and spans
    decide_idle(store, period.id, "discard")
    assert pending_idle(store) == []
    assert held_item_count(store) == 0
    rig.run(5, active=True)
    stop_entry(store, now=rig.clock())
    rig.clock.advance(1)
    rig.tracker.tick()
    server.round(store)
    assert Outbox(store).pending_count() == 0
    # The server has the entry before and the entry after, and nothing from 09:00:12 to 09:01:06.
    assert sorted((e.started_at, e.stopped_at) for e in server.entries.values()) == [
        (at(0), at(12)),
        (at(66), at(91)),
    ]
    for entry_id, e in server.entries.items():
        assert e.stopped_at is not None
        assert server.slot_seconds(entry_id) == (e.stopped_at - e.started_at).total_seconds()
    for slot in server.slots.values():
        end = slot.started_at + dt.timedelta(seconds=slot.length_seconds)
        assert end <= at(12) or slot.started_at >= at(66), slot
    for span in server.spans.values():
        assert span.ended_at <= at(12) or span.started_at >= at(66), span
    assert sum(s.keyboard_events for s in server.slots.values()) == 12 + 1 + 25
    # Nothing of the idle time is left on the device either.
    journal = Outbox(store).items()
    assert {i.kind for i in journal} == {"time_entry", "slot", "app_span"}
    assert len([i for i in journal if i.kind == "time_entry"]) == 2


def test_keep_sends_the_idle_time_as_its_own_entry_of_the_same_task(store: Store) -> None:
    server = FakeUpload()
    _, _, period = _idle_scenario(store, server)
    decide_idle(store, period.id, "keep")
    server.round(store)
    kept = [e for e in server.entries.values() if e.started_at == at(12)]
    assert [(e.stopped_at, e.project_id, e.notes) for e in kept] == [(at(66), PROJECT, "report")]
    assert server.slot_seconds(kept[0].id) == 54
    assert all(
        s.active_seconds == 0 for s in server.slots.values() if s.time_entry_id == kept[0].id
    )
    with pytest.raises(IdleError, match=f"idle period {period.id} was already decided \\(keep\\)"):
        decide_idle(store, period.id, "discard")


def test_reassign_moves_the_idle_time_to_the_chosen_task(store: Store) -> None:
    server = FakeUpload()
    _, _, period = _idle_scenario(store, server)
    with pytest.raises(IdleError, match="needs a project"):
        decide_idle(store, period.id, "reassign")
    with pytest.raises(IdleError, match="only with reassign"):
        decide_idle(store, period.id, "keep", notes="x")
    decide_idle(
        store, period.id, "reassign", project_id=OTHER_PROJECT, task_id=OTHER_TASK, notes="call"
    )
    server.round(store)
    moved = [e for e in server.entries.values() if e.started_at == at(12)]
    assert [(e.stopped_at, e.project_id, e.task_id, e.notes) for e in moved] == [
        (at(66), OTHER_PROJECT, OTHER_TASK, "call")
    ]
    assert server.slot_seconds(moved[0].id) == 54
    assert pending_idle(store) == []


def test_unknown_period_is_a_clear_error(store: Store) -> None:
    missing = uuid.UUID("0190a000-0000-7000-8000-0000000000ff")
    with pytest.raises(IdleError, match=f"no idle period {missing} on this device"):
        decide_idle(store, missing, "keep")


def test_pending_idle_time_survives_a_restart_and_a_later_decision_applies(home: Path) -> None:
    server = FakeUpload()
    clock = FakeClock(T0)
    with Store(home) as store:
        rig = _rig(store, clock)
        start_entry(store, now=clock())
        rig.tracker.tick()
        rig.run(5, active=True)
        rig.run(40)  # idle since 09:00:05, detected at 09:00:35
        [period] = pending_idle(store)
        desk = rig.desk
        # SIGKILL: nothing flushed; the open slot of the idle entry is lost, the rest is on disk.
    with Store(home) as store:
        assert pending_idle(store) == [period]
        restarted = _rig(store, clock, desk)
        restarted.run(10)  # still idle after the restart
        assert pending_idle(store) == [period]
        restarted.run(3, active=True)  # back at 09:00:56
        [ended] = pending_idle(store)
        assert ended.ended_at == at(56)
        server.round(store)
        assert {e.started_at for e in server.entries.values()} == {at(0), at(56)}
    with Store(home) as store:  # a decision made later, in another process
        decide_idle(store, period.id, "keep")
        server.round(store)
        assert {e.started_at for e in server.entries.values()} == {at(0), at(5), at(56)}
        idle_part = next(e for e in server.entries.values() if e.started_at == at(5))
        assert idle_part.stopped_at == at(56)


def test_stopping_the_timer_while_idle_ends_the_idle_time_there_and_still_asks(
    store: Store,
) -> None:
    server = FakeUpload()
    rig = _rig(store)
    first = start_entry(store, now=rig.clock())
    rig.tracker.tick()
    rig.run(3, active=True)
    rig.run(50)  # idle since 09:00:03
    stop_entry(store, now=rig.clock())  # 09:00:53, e.g. from the tray, with no input
    rig.run(1)
    [period] = rig.returned
    assert (period.started_at, period.ended_at) == (at(3), at(53))
    assert pending_idle(store) == [period]
    assert current_entry(store) is None
    rig.run(30)
    server.round(store)
    assert [(e.started_at, e.stopped_at) for e in server.entries.values()] == [(at(0), at(3))]
    assert server.entries[first.id].stopped_at == at(3)
    decide_idle(store, period.id, "discard")
    server.round(store)
    assert [(e.started_at, e.stopped_at) for e in server.entries.values()] == [(at(0), at(3))]
    assert server.slot_seconds(first.id) == 3
    assert Outbox(store).pending_count() == 0


def test_deciding_while_still_idle_ends_the_idle_time_now(store: Store) -> None:
    server = FakeUpload()
    rig = _rig(store)
    start_entry(store, now=rig.clock())
    rig.tracker.tick()
    rig.run(2, active=True)
    rig.run(40)  # idle since 09:00:02, going on at 09:00:42
    [period] = pending_idle(store)
    decide_idle(store, period.id, "discard", now=rig.clock())  # e.g. over ssh: no X input
    after = current_entry(store)
    assert after is not None
    assert after.started_at == at(42)
    rig.run(1, active=True)  # the tracker's slot of the discarded time is dropped
    rig.run(10, active=True)
    server.round(store)
    assert sorted((e.started_at, e.stopped_at) for e in server.entries.values()) == [
        (at(0), at(2)),
        (at(42), None),
    ]
    assert server.slot_seconds(after.id) == 8  # 09:00:42..50; 50..53 is still open
    for slot in server.slots.values():
        end = slot.started_at + dt.timedelta(seconds=slot.length_seconds)
        assert end <= at(2) or slot.started_at >= at(42), slot


def test_without_an_idle_source_nothing_is_idle_or_held(store: Store) -> None:
    clock = FakeClock(T0)
    desk = Desk(clock)
    tracker = Tracker(store, desk, lambda: POLICY, clock)  # no display: time only
    start_entry(store, now=clock())
    for _ in range(100):
        clock.advance(1)
        tracker.tick()
    assert pending_idle(store) == []
    server = FakeUpload()
    server.round(store)
    assert server.slot_seconds(next(iter(server.entries))) == 100


def test_the_time_since_the_last_input_is_released_when_input_follows(store: Store) -> None:
    server = FakeUpload()
    rig = _rig(store)
    start_entry(store, now=rig.clock())
    rig.tracker.tick()
    rig.run(25)  # no input yet: 25 s could still become idle time
    server.round(store)
    assert server.slots == {}
    rig.run(1, active=True)  # input at 09:00:26: the slots up to there are not idle time
    rig.run(5, active=True)
    server.round(store)
    assert server.slot_seconds(next(iter(server.entries))) == 30
    assert pending_idle(store) == []


class OneScreen:
    def grab_monitors(self) -> list[Image.Image]:
        return [Image.new("RGB", (640, 400), (0, 120, 200))]

    def close(self) -> None:
        return None


def test_a_screenshot_of_idle_time_goes_with_it_and_is_deleted_on_discard(
    store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOT_HOLD.name, "600")
    server = FakeUpload()
    rig = _rig(store)
    entry = start_entry(store, now=rig.clock())
    rig.tracker.tick()
    rig.run(12, active=True)
    rig.run(3)  # 09:00:15: no input since 09:00:12, not yet idle
    shooter = Screenshotter(store, grabber=OneScreen, slot_at=rig.tracker.slot_at, clock=rig.clock)
    [shot] = shooter.capture(entry, POLICY)
    assert shot.time_entry_id == entry.id
    rig.run(30)  # idle detected at 09:00:42, from 09:00:12
    [period] = pending_idle(store)
    files = ScreenshotFiles(store)
    [held] = files.waiting()
    idle_entry = current_entry(store)
    assert idle_entry is not None
    assert held.time_entry_id == idle_entry.id  # moved with the idle time
    moved_slot = Outbox(store).get(held.slot_id) if held.slot_id else None
    assert moved_slot is not None
    assert ActivitySlot.model_validate_json(moved_slot.payload).started_at == at(12)
    server.round(store)
    # Past its review window and with its entry on the server, it still waits for the decision.
    assert files.next_upload(now=at(15 + 601)) is None
    rig.clock.advance(1)
    rig.desk.touch()
    rig.tracker.tick()
    decide_idle(store, period.id, "discard")
    assert files.waiting() == []
    assert not held.path.exists()
    assert Outbox(store).get(shot.id) is None


def test_keeping_while_still_idle_keeps_up_to_the_decision_and_idle_time_goes_on(
    store: Store,
) -> None:
    server = FakeUpload()
    rig = _rig(store)
    first = start_entry(store, now=rig.clock())
    rig.tracker.tick()
    rig.run(2, active=True)
    rig.run(40)  # idle since 09:00:02, going on at 09:00:42
    [period] = pending_idle(store)
    decide_idle(store, period.id, "keep", now=rig.clock())
    rig.run(5)  # nobody is back at the desk: the time from the decision on is idle again
    [again] = pending_idle(store)
    assert (again.started_at, again.ended_at) == (at(42), None)
    server.round(store)
    kept = next(e for e in server.entries.values() if e.started_at == at(2))
    assert kept.stopped_at == at(42)
    assert server.slot_seconds(kept.id) == 40  # its last slot ends at the decision, not later
    assert server.entries[first.id].stopped_at == at(2)
