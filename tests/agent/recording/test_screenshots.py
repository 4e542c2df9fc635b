"""Screenshots on the device: capture with fake monitors, the employee's hold, delete and
confirm, idle time, the disk bound, and an upload failure."""

from __future__ import annotations

import datetime as dt
import json
import random
import socket
import uuid
from pathlib import Path

import pytest
from agent_fake_screen import decoded, screen
from PIL import Image

from worklens_agent.cli import main
from worklens_agent.clock import to_text
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.screenshot_files import ScreenshotError, ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.recording import screenshots
from worklens_agent.recording.entries import start_entry
from worklens_agent.recording.idle import begin_idle, decide_idle, end_idle, set_cleared_until
from worklens_agent.recording.screenshots import Screenshotter, capture_timings
from worklens_agent.settings import SCREENSHOT_HOLD, Key
from worklens_agent.upload.client import AgentApi
from worklens_agent.upload.uploader import Outcome, Uploader
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, Policy, ScreenshotRecord

T0 = dt.datetime(2025, 3, 3, 9, 0, 0, tzinfo=dt.UTC)


class FakeGrabber:
    """Real Pillow images for two monitors, in place of the X server."""

    def __init__(self) -> None:
        self.grabs = 0
        self.closed = False

    def grab_monitors(self) -> list[Image.Image]:
        self.grabs += 1
        return [screen(1920, 1080), screen(1280, 1024)]

    def close(self) -> None:
        self.closed = True


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def shooter(
    store: Store,
    clock: Clock,
    grabber: FakeGrabber,
    *,
    app: str | None = None,
    slot_id: uuid.UUID | None = None,
) -> Screenshotter:
    return Screenshotter(
        store,
        grabber=lambda: grabber,
        foreground_app=lambda: app,
        slot_at=lambda _moment: slot_id,
        clock=clock,
        rng=random.Random(5),
        sleep=lambda _seconds: None,
    )


def use_policy(store: Store, **fields: object) -> Policy:
    policy = Policy.model_validate({"version": 1, **fields})
    store.set(Key.POLICY, policy.model_dump(mode="json"))
    return policy


def test_screenshots_are_taken_only_while_tracking(store: Store) -> None:
    use_policy(store, screenshots_per_interval=1, screenshot_interval_seconds=60)
    clock, grabber = Clock(T0), FakeGrabber()
    shots = shooter(store, clock, grabber)
    for second in range(120):
        clock.now = T0 + dt.timedelta(seconds=second)
        assert shots.tick() == []
    assert grabber.grabs == 0

    entry = start_entry(store, now=T0 + dt.timedelta(seconds=120))
    taken = []
    for second in range(120, 300):
        clock.now = T0 + dt.timedelta(seconds=second)
        taken += shots.tick()
    assert grabber.grabs == 3  # one per minute, each of two monitors
    assert grabber.closed  # not kept open between captures
    assert len(taken) == 6
    assert {record.time_entry_id for record in taken} == {entry.id}
    assert sorted({record.monitor for record in taken}) == [0, 1]


def test_capture_writes_files_not_blobs_and_holds_slot_and_image(
    store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOT_HOLD.name, "600")
    policy = use_policy(store, screenshot_quality=60)
    entry = start_entry(store, now=T0)
    slot_id = new_id()
    records = shooter(store, Clock(T0), FakeGrabber(), slot_id=slot_id).capture(entry, policy)
    files = ScreenshotFiles(store)
    waiting = files.waiting()
    assert [shot.id for shot in waiting] == [record.id for record in records]
    for shot, record in zip(waiting, records, strict=True):
        assert shot.path.parent == home / "screenshots"
        assert shot.path.stat().st_mode & 0o777 == 0o600
        assert decoded(shot.path.read_bytes()).size == (record.width, record.height)
        assert record.slot_id == slot_id
        assert not record.blurred
        stored = Outbox(store).get(record.id)
        assert stored is not None
        assert len(stored.payload) < 1000

    # The tracker records the slot; neither it nor the held screenshots go into a batch.
    Outbox(store).record(
        ActivitySlot(
            id=slot_id,
            time_entry_id=entry.id,
            started_at=T0,
            length_seconds=600,
            active_seconds=0,
            keyboard_events=0,
            mouse_events=0,
        )
    )
    during = T0 + dt.timedelta(seconds=599)
    batch = Outbox(store).next_batch(device_id=uuid.uuid4(), now=during)
    assert batch is not None
    body = json.loads(batch.body)
    assert [e["id"] for e in body["time_entries"]] == [str(entry.id)]
    assert body["slots"] == []
    assert body["screenshots"] == []
    assert files.next_upload(now=T0 + dt.timedelta(seconds=601)) is None  # entry not acked yet
    Outbox(store).mark_acked(batch.batch_id)
    assert files.next_upload(now=during) is None  # still held

    # After the review window: the slot goes in a batch, the images (not in batches) are due.
    later = T0 + dt.timedelta(seconds=600)
    batch = Outbox(store).next_batch(device_id=uuid.uuid4(), now=later)
    assert batch is not None
    body = json.loads(batch.body)
    assert [s["id"] for s in body["slots"]] == [str(slot_id)]
    assert body["screenshots"] == []
    due = files.next_upload(now=later)
    assert due is not None
    assert due.id == records[0].id


def _acked(store: Store, now: dt.datetime) -> None:
    """Every batch due now reached the server."""
    while (batch := Outbox(store).next_batch(device_id=uuid.uuid4(), now=now)) is not None:
        Outbox(store).mark_acked(batch.batch_id)


def _images_after_the_last_input(store: Store) -> tuple[list[ScreenshotRecord], ScreenshotFiles]:
    """Images at T0+5 s and T0+20 s, the last input seen at T0+10 s, no review window; those
    from before the last input are uploaded; returns the later ones."""
    policy = use_policy(store)
    entry = start_entry(store, now=T0)
    _acked(store, T0)
    set_cleared_until(store, T0 + dt.timedelta(seconds=10))
    early, late = (
        shooter(store, Clock(T0 + dt.timedelta(seconds=s)), FakeGrabber()).capture(entry, policy)
        for s in (5, 20)
    )
    files = ScreenshotFiles(store)
    for record in early:  # before the last input: due at once
        due = files.next_upload(now=LATER)
        assert due is not None
        assert due.id == record.id
        files.mark_uploaded(due)
    assert files.next_upload(now=LATER) is None  # after it: it might become idle time
    return late, files


LATER = T0 + dt.timedelta(seconds=30)


def test_image_taken_after_the_last_input_waits_for_input_like_its_record(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOT_HOLD.name, "0")
    late, files = _images_after_the_last_input(store)
    set_cleared_until(store, T0 + dt.timedelta(seconds=25))  # the tracker saw input after it
    due = files.next_upload(now=LATER)
    assert due is not None
    assert due.id == late[0].id


def test_image_that_becomes_idle_time_waits_for_the_decision(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOT_HOLD.name, "0")
    late, files = _images_after_the_last_input(store)
    period = begin_idle(store, last_input=T0 + dt.timedelta(seconds=10), now=LATER)
    assert period is not None
    end_idle(store, at=LATER, now=LATER)
    _acked(store, LATER)
    assert files.next_upload(now=LATER) is None  # idle time: held until the employee decides
    decide_idle(store, period.id, "keep", now=LATER)
    _acked(store, LATER)
    due = files.next_upload(now=LATER)
    assert due is not None
    assert due.id == late[0].id


def test_each_image_keeps_what_it_cost_to_grab_and_encode(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screenshots, "TIMINGS_KEPT", 5)
    policy = use_policy(store)
    entry = start_entry(store, now=T0)
    shots = shooter(store, Clock(T0), FakeGrabber())
    for _ in range(3):  # two monitors each: more images than are kept
        records = shots.capture(entry, policy)
    timings = capture_timings(store)
    assert len(timings) == 5
    sizes = {shot.id: shot.bytes for shot in ScreenshotFiles(store).waiting()}
    assert [t["bytes"] for t in timings[-2:]] == [sizes[r.id] for r in records]
    assert all(0 < float(str(t["ms"])) < 10_000 for t in timings)
    assert all(0 < float(str(t["cpu_ms"])) < 10_000 for t in timings)
    assert {t["at"] for t in timings} == {to_text(T0)}


def test_private_app_in_front_records_a_skip_and_captures_nothing(store: Store) -> None:
    policy = use_policy(store, private_apps=["KeePassXC", "bank"])
    entry = start_entry(store, now=T0)
    grabber = FakeGrabber()
    (record,) = shooter(store, Clock(T0), grabber, app="/usr/bin/keepassxc").capture(entry, policy)
    assert grabber.grabs == 0
    assert record.skipped_reason == "private_app"
    assert record.width == 0
    assert ScreenshotFiles(store).waiting() == []
    batch = Outbox(store).next_batch(device_id=uuid.uuid4())
    assert batch is not None
    (sent,) = json.loads(batch.body)["screenshots"]
    assert sent["skipped_reason"] == "private_app"
    assert sent["time_entry_id"] == str(entry.id)


def test_employee_deletes_within_the_window_and_the_slot_is_discarded(
    store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOT_HOLD.name, "600")
    policy = use_policy(store)
    entry = start_entry(store, now=T0)
    slot_id = new_id()
    records = shooter(store, Clock(T0), FakeGrabber(), slot_id=slot_id).capture(entry, policy)
    paths = [shot.path for shot in ScreenshotFiles(store).waiting()]
    assert all(path.exists() for path in paths)

    # Through the CLI, as the employee would (its clock is the real one: the hold is in the past
    # for T0, so this capture is re-dated to now).
    store.conn.execute(
        "UPDATE screenshot_files SET hold_until = ?",
        ((dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)).isoformat(),),
    )
    assert main(["--home", str(home), "screenshots", "delete", str(records[1].id)]) == 0
    assert not any(path.exists() for path in paths)  # both monitors of that capture
    assert ScreenshotFiles(store).waiting() == []

    # The slot, recorded afterwards by the tracker, never leaves the device.
    outbox = Outbox(store)
    outbox.record(
        ActivitySlot(
            id=slot_id,
            time_entry_id=entry.id,
            started_at=T0,
            length_seconds=600,
            active_seconds=300,
            keyboard_events=10,
            mouse_events=10,
        )
    )
    batch = outbox.next_batch(device_id=uuid.uuid4())
    assert batch is not None
    body = json.loads(batch.body)
    assert body["slots"] == []
    assert {(s["id"], s["skipped_reason"], s["width"]) for s in body["screenshots"]} == {
        (str(record.id), "deleted_by_employee", 0) for record in records
    }
    outbox.mark_acked(batch.batch_id)
    assert outbox.pending_count() == 0
    assert outbox.next_batch(device_id=uuid.uuid4()) is None


def test_confirm_releases_now_and_delete_after_the_window_is_refused(
    store: Store, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = use_policy(store)
    entry = start_entry(store)
    now = dt.datetime.now(dt.UTC)
    records = shooter(store, Clock(now), FakeGrabber(), slot_id=new_id()).capture(entry, policy)
    files = ScreenshotFiles(store)
    assert files.next_upload() is None  # held (and the entry is not acked)

    assert main(["--home", str(home), "screenshots", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [str(record.id) for record in records]
    assert all(row["deletable_until"] for row in listed)

    assert main(["--home", str(home), "screenshots", "confirm", str(records[0].id)]) == 0
    assert all(shot.confirmed for shot in files.waiting())
    with pytest.raises(ScreenshotError, match="it was confirmed"):
        files.delete_capture(records[0].id)
    assert main(["--home", str(home), "screenshots", "delete", str(records[0].id)]) == 1
    assert "can no longer be deleted" in capsys.readouterr().err

    batch = Outbox(store).next_batch(device_id=uuid.uuid4())
    assert batch is not None
    Outbox(store).mark_acked(batch.batch_id)
    due = files.next_upload()
    assert due is not None
    assert due.id == records[0].id

    # A capture whose window simply ran out cannot be deleted either.
    old = shooter(store, Clock(now - dt.timedelta(hours=1)), FakeGrabber()).capture(entry, policy)
    with pytest.raises(ScreenshotError, match="review window is over"):
        files.delete_capture(old[0].id)


def test_disk_bound_drops_the_oldest_screenshots_and_records_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = use_policy(store)
    entry = start_entry(store, now=T0)
    clock, grabber = Clock(T0), FakeGrabber()
    shots = shooter(store, clock, grabber, slot_id=new_id())
    captures = []
    for minute in range(3):
        clock.now = T0 + dt.timedelta(minutes=minute)
        captures.append(shots.capture(entry, policy))
    files = ScreenshotFiles(store)
    sizes = {shot.id: shot.bytes for shot in files.waiting()}
    newest_two = sum(sizes[r.id] for r in captures[2]) + sizes[captures[1][1].id]
    monkeypatch.setenv("WORKLENS_SCREENSHOT_DISK_LIMIT_BYTES", str(newest_two))

    clock.now = T0 + dt.timedelta(minutes=3)
    latest = shots.capture(entry, policy)  # the capture that pushes the total over the limit
    kept = [shot.id for shot in files.waiting()]
    assert files.total_bytes() <= newest_two
    assert kept[-2:] == [record.id for record in latest]
    dropped = [r.id for r in captures[0]] + [captures[1][0].id]
    outbox = Outbox(store)
    for item_id in dropped:
        item = outbox.get(item_id)
        assert item is not None
        assert json.loads(item.payload)["skipped_reason"] == "disk_limit"
        assert not (store.home / "screenshots" / f"{item_id}.webp").exists()
    # Dropped records are reported to the server; the time entry is never dropped.
    batch = outbox.next_batch(device_id=uuid.uuid4())
    assert batch is not None
    body = json.loads(batch.body)
    assert [e["id"] for e in body["time_entries"]] == [str(entry.id)]
    assert {s["id"] for s in body["screenshots"]} >= {str(i) for i in dropped}
    assert all(s["skipped_reason"] for s in body["screenshots"])


def test_upload_failure_keeps_the_file_for_a_retry(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SCREENSHOT_HOLD.name, "0")
    policy = use_policy(store)
    entry = start_entry(store)
    (first, _) = shooter(store, Clock(dt.datetime.now(dt.UTC)), FakeGrabber()).capture(
        entry, policy
    )
    outbox = Outbox(store)
    batch = outbox.next_batch(device_id=uuid.uuid4())
    assert batch is not None
    outbox.mark_acked(batch.batch_id)
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    uploader = Uploader(store, AgentApi(f"http://127.0.0.1:{port}", "token"), backoff_max=0.0)
    result = uploader.send_screenshot()
    assert result.outcome is Outcome.RETRY
    held = ScreenshotFiles(store).get(first.id)
    assert held is not None
    assert held.path.exists()
    assert held.attempts == 1
    assert "network error" in held.detail
    uploader.close()
