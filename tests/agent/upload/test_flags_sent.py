"""Input flags and same-screen marks from the agent to a real local HTTP server: the tracker
flags a jiggler's slot from its timing; the flags go only once the server's answer to a batch
said it stores them; a batch written before is re-sent as it was written; a screenshot's
upload meta carries `same_as_previous` only to such a server."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from agent_fake_clock import FakeClock
from agent_fake_server import FakeServer

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.screenshot_files import ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.recording.tracker import Tracker
from worklens_agent.settings import Key
from worklens_agent.sources.base import NO_ACTIVITY, ActivitySample
from worklens_agent.sources.input_timing import InputTiming
from worklens_agent.upload.uploader import Outcome, Uploader
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, Policy, ScreenshotRecord

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


class Jiggler:
    """A source whose only input is a 1 px move every 30 s, on a monotonic clock of its own."""

    def __init__(self) -> None:
        self.second = 0

    def sample(self) -> ActivitySample:
        self.second += 1
        if self.second % 30:
            return NO_ACTIVITY
        timing = InputTiming()
        timing.pointer_event(float(self.second), (1, 0))
        return ActivitySample(0, 1, True, timing)

    def close(self) -> None:
        return None


def _jiggled_slot(store: Store, start: dt.datetime, *, activity: bool = True) -> ActivitySlot:
    """Ten minutes of an entry with a jiggler running, as one 600 s slot."""
    clock = FakeClock(start)
    policy = Policy(version=1, slot_seconds=600, capture_activity=activity)
    tracker = Tracker(store, Jiggler(), lambda: policy, clock)
    start_entry(store, now=start)
    finished: list[ActivitySlot] = []
    for _ in range(600):
        clock.advance(1)
        finished += tracker.tick()
    stop_entry(store, now=clock())
    finished += tracker.tick()
    [slot] = finished
    return slot


def _sent_slots(server: FakeServer) -> list[dict[str, object]]:
    return [
        slot
        for request in server.requests
        if request.path == "/api/v1/batches"
        for slot in request.json().get("slots", [])
    ]


def test_the_tracker_flags_a_jiggler_slot_and_not_when_activity_is_off(store: Store) -> None:
    slot = _jiggled_slot(store, T0)
    assert slot.input_flags is not None
    [flag] = slot.input_flags
    assert (flag.kind, flag.events, flag.interval_seconds, flag.step_px) == (
        "regular_mouse",
        20,
        30.0,
        1,
    )
    assert _jiggled_slot(store, T0 + dt.timedelta(hours=1), activity=False).input_flags is None


def test_flags_go_only_to_a_server_that_said_it_stores_them(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    with Store(enrolled_home) as store:
        first = _jiggled_slot(store, T0)
        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND
        assert store.get(Key.SERVER_ACCEPTS_FLAGS) is False
        [sent] = _sent_slots(fake_server)
        assert sent["id"] == str(first.id)
        assert "input_flags" not in sent  # an older server refuses the field

        fake_server.accepts_flags = True
        _jiggled_slot(store, T0 + dt.timedelta(hours=1))
        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND
        assert store.get(Key.SERVER_ACCEPTS_FLAGS) is True  # said on that batch's answer
        second = _jiggled_slot(store, T0 + dt.timedelta(hours=2))
        assert _uploader(store).drain() is Outcome.NOTHING_TO_SEND
        last = _sent_slots(fake_server)[-1]
        assert last["id"] == str(second.id)
        assert last["input_flags"] == [
            {
                "kind": "regular_mouse",
                "events": 20,
                "interval_seconds": 30.0,
                "interval_cv": 0.0,
                "distinct_moves": 1,
                "step_px": 1,
            }
        ]


def test_a_batch_written_before_the_server_said_so_is_re_sent_as_written(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    with Store(enrolled_home) as store:
        _jiggled_slot(store, T0)
        outbox = Outbox(store)
        enrollment_device = new_id()
        written = outbox.next_batch(device_id=enrollment_device, now=T0)
        assert written is not None
        assert "input_flags" not in written.body
        store.set(Key.SERVER_ACCEPTS_FLAGS, True)
        again = outbox.next_batch(device_id=enrollment_device, now=T0)
        assert again is not None
        assert (again.batch_id, again.body) == (written.batch_id, written.body)


def test_a_screenshot_meta_carries_same_as_previous_only_once_accepted(store: Store) -> None:
    entry = start_entry(store, now=T0)
    record = ScreenshotRecord(
        id=new_id(), time_entry_id=entry.id, taken_at=T0, width=8, height=8, same_as_previous=True
    )
    files = ScreenshotFiles(store)
    held = files.add(record, b"RIFF0000WEBP", "image/webp", capture_id=new_id(), hold=0, now=T0)
    assert "same_as_previous" not in json.loads(files.meta_of(held))
    store.set(Key.SERVER_ACCEPTS_FLAGS, True)
    assert json.loads(files.meta_of(held))["same_as_previous"] is True


def _uploader(store: Store) -> Uploader:
    return Uploader(store, backoff_base=0.01, backoff_max=0.05)
