"""Screenshots on the device: encoding, blur and scaling with real Pillow images; scheduling with a
fake clock; the private-app skip; the employee's hold, delete and confirm; the disk bound."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import socket
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageStat

from worklens_agent import screenshots
from worklens_agent.cli import main
from worklens_agent.client import AgentApi
from worklens_agent.entries import start_entry
from worklens_agent.idle import begin_idle, decide_idle, end_idle, set_cleared_until
from worklens_agent.outbox import Outbox
from worklens_agent.screenshots import (
    HOLD_ENV,
    ScreenshotError,
    ScreenshotFiles,
    ScreenshotSchedule,
    Screenshotter,
    capture_timings,
    encode_screenshot,
    is_private_app,
)
from worklens_agent.store import Store, to_text
from worklens_agent.uploader import Outcome, Uploader
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, Policy, ScreenshotRecord

T0 = dt.datetime(2025, 3, 3, 9, 0, 0, tzinfo=dt.UTC)
RED = (220, 20, 30)


def screen(width: int = 2560, height: int = 1440) -> Image.Image:
    """A desktop-like image: grey background, a red block, fine black-and-white text stripes."""
    image = Image.new("RGB", (width, height), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width // 2, height // 2), fill=RED)
    for x in range(width // 2 + 100, width - 100, 4):
        draw.line((x, 100, x, 300), fill=(0, 0, 0), width=2)
    return image


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- encoding ----------------------------------------------------------------------------------


def test_encoding_scales_to_max_width_as_webp_and_keeps_the_colours() -> None:
    policy = Policy(version=1, screenshot_max_width=1280, screenshot_quality=70)
    encoded = encode_screenshot(screen(), policy)
    image = decoded(encoded.data)
    assert (image.format, encoded.media_type) == ("WEBP", "image/webp")
    assert image.size == (encoded.width, encoded.height) == (1280, 720)
    assert not encoded.blurred
    r, g, b = image.convert("RGB").getpixel((480, 270))  # the red block's centre
    assert r > 180
    assert g < 60
    assert b < 70
    assert len(encoded.data) < 100_000


def test_encoding_never_scales_up_and_falls_back_to_jpeg() -> None:
    policy = Policy(version=1, screenshot_max_width=1920, screenshot_quality=80)
    encoded = encode_screenshot(screen(800, 600), policy, webp=False)
    image = decoded(encoded.data)
    assert (image.format, encoded.media_type, encoded.suffix) == ("JPEG", "image/jpeg", ".jpg")
    assert image.size == (800, 600)


def test_blur_makes_fine_detail_unreadable_but_keeps_the_colour_blocks() -> None:
    sharp = encode_screenshot(screen(1920, 1080), Policy(version=1, screenshot_quality=90))
    blurred = encode_screenshot(
        screen(1920, 1080), Policy(version=1, screenshot_quality=90, screenshot_blur=True)
    )
    assert blurred.blurred
    stripes = (1060, 120, 1800, 280)
    sharp_stripes = ImageStat.Stat(decoded(sharp.data).convert("L").crop(stripes)).stddev[0]
    blurred_stripes = ImageStat.Stat(decoded(blurred.data).convert("L").crop(stripes)).stddev[0]
    assert sharp_stripes > 50  # black-and-white lines two pixels apart
    assert blurred_stripes < 10  # smeared into an even grey
    r, g, b = decoded(blurred.data).convert("RGB").getpixel((720, 405))
    assert r > 180
    assert g < 60
    assert b < 70


# --- private apps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "listed", "private"),
    [
        ("keepassxc", ["KeePassXC"], True),
        ("/usr/bin/KeePassXC", ["keepassxc"], True),
        (r"C:\Program Files\1Password\1Password.exe", ["1password"], True),
        ("Bank.app", ["bank"], True),
        ("firefox", ["keepassxc"], False),
        ("keepassxc-helper", ["keepassxc"], False),
        (None, ["keepassxc"], False),
        ("keepassxc", [], False),
    ],
)
def test_private_app_match_is_by_base_name_ignoring_case(
    app: str | None, listed: list[str], private: bool
) -> None:
    assert is_private_app(app, listed) is private


# --- scheduling ----------------------------------------------------------------------------------


def test_schedule_takes_n_random_moments_inside_each_window() -> None:
    policy = Policy(version=1, screenshots_per_interval=3, screenshot_interval_seconds=60)
    schedule = ScreenshotSchedule(random.Random(7))
    fired: list[dt.datetime] = []
    planned: set[dt.datetime] = set()
    for second in range(600):  # ten windows, ticked every second from a window start
        now = T0 + dt.timedelta(seconds=second)
        if schedule.due(now, policy):
            fired.append(now)
        planned.update(schedule.moments)
    per_window: dict[int, int] = {}
    for moment in fired:
        per_window[moment.minute] = per_window.get(moment.minute, 0) + 1
    assert sorted(per_window) == list(range(10))
    # Three per window, unless two moments fell within the same one-second tick.
    assert all(2 <= count <= 3 for count in per_window.values())
    assert sum(per_window.values()) >= 28
    # Moments are random, not the same offsets each window.
    offsets = {(m - m.replace(second=0, microsecond=0)).total_seconds() for m in planned}
    assert len(offsets) > 20


def test_schedule_off_and_started_mid_window() -> None:
    off = Policy(version=1, screenshots_per_interval=0)
    schedule = ScreenshotSchedule(random.Random(1))
    assert not any(schedule.due(T0 + dt.timedelta(seconds=s), off) for s in range(1200))

    policy = Policy(version=1, screenshots_per_interval=3, screenshot_interval_seconds=600)
    late = ScreenshotSchedule(random.Random(3))
    start = T0 + dt.timedelta(seconds=599)  # the window's moments are (almost surely) past
    assert late.due(start, policy) is False
    assert late.moments == []


def test_a_moment_at_the_end_of_a_window_missed_by_the_ticks_is_taken_in_the_next() -> None:
    """A busy machine ticks late: the tick before the window's end came before the moment, the
    next one after the window changed. The capture is late, not lost."""
    policy = Policy(version=1, screenshots_per_interval=1, screenshot_interval_seconds=30)

    class AtTheEnd(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b - 0.1

    schedule = ScreenshotSchedule(AtTheEnd())
    assert schedule.due(T0, policy) is False
    assert schedule.moments == [T0 + dt.timedelta(seconds=29.9)]
    assert schedule.due(T0 + dt.timedelta(seconds=29.5), policy) is False
    assert schedule.due(T0 + dt.timedelta(seconds=31.2), policy) is True  # the missed one
    assert schedule.moments == [T0 + dt.timedelta(seconds=59.9)]  # the next window's own
    assert schedule.due(T0 + dt.timedelta(seconds=32.2), policy) is False
    # After a long pause (a laptop asleep), an old window's moment is not taken.
    asleep = ScreenshotSchedule(AtTheEnd())
    assert asleep.due(T0, policy) is False
    assert asleep.due(T0 + dt.timedelta(seconds=600.5), policy) is False


# --- capture, hold, delete, confirm, disk bound ------------------------------------------------


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
    store.set("policy", policy.model_dump(mode="json"))
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
    monkeypatch.setenv(HOLD_ENV, "600")
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
    monkeypatch.setenv(HOLD_ENV, "0")
    late, files = _images_after_the_last_input(store)
    set_cleared_until(store, T0 + dt.timedelta(seconds=25))  # the tracker saw input after it
    due = files.next_upload(now=LATER)
    assert due is not None
    assert due.id == late[0].id


def test_image_that_becomes_idle_time_waits_for_the_decision(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOLD_ENV, "0")
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
    monkeypatch.setenv(HOLD_ENV, "600")
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
    monkeypatch.setenv(HOLD_ENV, "0")
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
