"""Screenshots: taking them, and the employee's say over them.

- When: random moments in each window of the policy's interval (screenshot_schedule.py), taken
  only while a time entry is open, by the screenshot thread of `worklens-agent run`.
- Private apps: with a listed application in front nothing is captured and a ScreenshotRecord with
  skipped_reason="private_app" is recorded instead (private_apps.py).
- Encoding: scaled, blurred when the policy says so, WebP (screenshot_encoding.py).
- Storage: each image is a file in `<home>/screenshots/`, never a blob in SQLite; its record and
  its row are written once the file is safely on disk (journal/screenshot_files.py).
- Employee control: an image is held back from upload for WORKLENS_SCREENSHOT_HOLD_SECONDS
  (10 minutes) after capture unless the employee confirms it. Deleting it within that window
  removes the file, records skipped_reason="deleted_by_employee" and discards the slot's time
  (ScreenshotFiles.delete_capture).
- Disk bound: when the images waiting for upload exceed the limit (2 GiB by default), the oldest
  are dropped first and recorded as skipped_reason="disk_limit". Time entries and slots are never
  dropped: they are small, and they are the record of work time.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PIL import Image

from worklens_agent.clock import to_text, utcnow
from worklens_agent.desktop.memory import release_free_memory
from worklens_agent.journal.items import record_in
from worklens_agent.journal.notices import post_notice
from worklens_agent.journal.policy import cached_policy
from worklens_agent.journal.screenshot_files import ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.private_apps import is_private_app
from worklens_agent.recording.screen_hash import same_screen, screen_hash
from worklens_agent.recording.screenshot_encoding import encode_screenshot
from worklens_agent.recording.screenshot_schedule import ScreenshotSchedule
from worklens_agent.settings import (
    DEFAULT_SCREENSHOT_DISK_LIMIT_BYTES,
    Key,
    screenshot_disk_limit_override,
    screenshot_hold_seconds,
)
from worklens_agent.sources.screen import ScreenGrabber, ScreenPixels, open_screen_grabber
from worklens_wire import new_id
from worklens_wire.v1 import MAX_SCREENSHOT_BYTES, Policy, ScreenshotRecord, TimeEntry

log = logging.getLogger(__name__)
_T = TypeVar("_T")

TIMINGS_KEPT = 100
#: How long a capture waits for the tracker to open the slot covering its moment (a capture just
#: after a slot boundary may run before the tracker's tick has rolled the slot over).
SLOT_WAIT_SECONDS = 3.0


def capture_timings(store: Store) -> list[dict[str, object]]:
    """The last captured images, oldest first: when, the milliseconds their grab and encode took
    (`ms` on the clock, `cpu_ms` of this thread's CPU time, which a busy machine inflates less)
    and their size in bytes."""
    return list(store.get(Key.SCREENSHOT_TIMINGS, []))


def disk_limit_bytes(store: Store) -> int:
    """WORKLENS_SCREENSHOT_DISK_LIMIT_BYTES, else the stored config value, else 2 GiB."""
    override = screenshot_disk_limit_override()
    if override is not None:
        return override
    return int(store.get(Key.SCREENSHOT_DISK_LIMIT, DEFAULT_SCREENSHOT_DISK_LIMIT_BYTES))


@dataclass(frozen=True)
class _Cost:
    """Seconds on the clock and of this thread's CPU time."""

    wall: float
    cpu: float


def _timed(work: Callable[[], _T]) -> tuple[_T, _Cost]:
    wall, cpu = time.perf_counter(), time.thread_time()
    result = work()
    return result, _Cost(time.perf_counter() - wall, time.thread_time() - cpu)


# --- capture -----------------------------------------------------------------------------------


class Screenshotter:
    """Decides each tick whether to take a screenshot, and takes it."""

    def __init__(
        self,
        store: Store,
        *,
        grabber: Callable[[], ScreenGrabber] = open_screen_grabber,
        foreground_app: Callable[[], str | None] = lambda: None,
        slot_at: Callable[[dt.datetime], uuid.UUID | None] = lambda _moment: None,
        clock: Callable[[], dt.datetime] = utcnow,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] = time.sleep,
        notify: Callable[[str], object] | None = None,
    ) -> None:
        self.store = store
        self.files = ScreenshotFiles(store)
        self.schedule = ScreenshotSchedule(rng)
        self._open_grabber = grabber
        self.foreground_app = foreground_app
        self.slot_at = slot_at
        self.clock = clock
        self.sleep = sleep
        self.notify = notify or (lambda message: log.info("%s", message))
        #: Each monitor's last capture's hash (screen_hash.py), in memory only.
        self._hashes: dict[int, int] = {}

    def _grab(self) -> Sequence[Image.Image | ScreenPixels]:
        # Opened for each capture and closed before encoding: between captures (ten minutes by
        # default) the X connection and its 8 MB shared-memory segment are not kept.
        grabber = self._open_grabber()
        try:
            return grabber.grab_monitors()
        finally:
            grabber.close()

    def _note_timing(self, taken_at: dt.datetime, cost: _Cost, *, size: int) -> None:
        """Keep the cost of the last captures (see `capture_timings`), for `bench/` and support."""
        timings = self.store.get(Key.SCREENSHOT_TIMINGS, [])[-(TIMINGS_KEPT - 1) :]
        timings.append(
            {
                "at": to_text(taken_at),
                "ms": round(cost.wall * 1000, 1),
                "cpu_ms": round(cost.cpu * 1000, 1),
                "bytes": size,
            }
        )
        self.store.set(Key.SCREENSHOT_TIMINGS, timings)
        log.debug("screenshot grabbed and encoded in %.0f ms, %d bytes", cost.wall * 1000, size)

    def tick(self) -> list[ScreenshotRecord]:
        """Take the screenshot(s) due now, if a time entry is open; returns what was recorded."""
        policy = cached_policy(self.store)
        now = self.clock()
        if not self.schedule.due(now, policy):
            return []
        entry = current_entry(self.store)
        if entry is None:  # screenshots only of tracked time
            return []
        return self.capture(entry, policy)

    def _slot_id(self) -> uuid.UUID | None:
        waited = 0.0
        while True:
            slot_id = self.slot_at(self.clock())
            if slot_id is not None or waited >= SLOT_WAIT_SECONDS:
                return slot_id
            self.sleep(0.25)
            waited += 0.25

    def capture(self, entry: TimeEntry, policy: Policy) -> list[ScreenshotRecord]:
        slot_id = self._slot_id()
        taken_at = self.clock()
        app = self.foreground_app()
        if is_private_app(app, policy.private_apps):
            skipped = ScreenshotRecord(
                id=new_id(),
                time_entry_id=entry.id,
                slot_id=slot_id,
                taken_at=taken_at,
                skipped_reason="private_app",
            )
            with self.store.transaction() as conn:
                record_in(conn, skipped, now=taken_at)
            log.info("screenshot skipped: a private app is in front")
            return [skipped]
        images, grab = _timed(self._grab)
        capture_id = new_id()
        hold = screenshot_hold_seconds()
        recorded: list[ScreenshotRecord] = []
        for monitor, image in enumerate(images[:17]):
            same = self._same_as_previous(monitor, image)
            encoded, encode = _timed(functools.partial(encode_screenshot, image, policy))
            # The grab is shared by every monitor; each image is charged its share.
            share = len(images)
            cost = _Cost(grab.wall / share + encode.wall, grab.cpu / share + encode.cpu)
            self._note_timing(taken_at, cost, size=len(encoded.data))
            if len(encoded.data) > MAX_SCREENSHOT_BYTES:
                log.warning("screenshot of monitor %d is too large; not kept", monitor)
                continue
            record = ScreenshotRecord(
                id=new_id(),
                time_entry_id=entry.id,
                slot_id=slot_id,
                taken_at=taken_at,
                monitor=monitor,
                width=encoded.width,
                height=encoded.height,
                blurred=encoded.blurred,
                same_as_previous=same,
            )
            self.files.add(
                record,
                encoded.data,
                encoded.media_type,
                capture_id=capture_id,
                hold=hold,
                now=taken_at,
            )
            recorded.append(record)
        self.files.enforce_disk_limit(disk_limit_bytes(self.store), now=taken_at)
        if recorded:
            self.notify(
                f"Screenshot taken ({len(recorded)} monitor(s)); you can delete it within "
                f"{int(hold // 60)} min: worklens-agent screenshots delete {recorded[0].id}"
            )
        return recorded

    def _same_as_previous(self, monitor: int, image: Image.Image | ScreenPixels) -> bool | None:
        """Whether the monitor shows what it showed at the previous capture (None: unknown)."""
        try:
            hashed = screen_hash(image)
        except Exception:  # a flag is not worth a lost screenshot
            log.exception("screen hash failed")
            return None
        previous = self._hashes.get(monitor)
        self._hashes[monitor] = hashed
        return None if previous is None else same_screen(previous, hashed)


def screenshot_loop(
    home: Path,
    stop: threading.Event,
    *,
    slot_at: Callable[[dt.datetime], uuid.UUID | None],
    foreground_app: Callable[[], str | None],
    tick_seconds: float = 1.0,
) -> None:
    """The screenshot thread of `worklens-agent run` (captures never delay the tracker's tick)."""
    with Store(home) as store:
        messages: list[str] = []
        shooter = Screenshotter(
            store, slot_at=slot_at, foreground_app=foreground_app, notify=messages.append
        )
        shooter.files.remove_orphans()
        shooter.files.enforce_disk_limit(disk_limit_bytes(store))
        while not stop.is_set():
            try:
                recorded = shooter.tick()
                if recorded:
                    release_free_memory()
                _post_screenshot_notices(store, messages, recorded)
            except Exception:  # one failed capture is logged; the next moment goes on
                log.exception("screenshot failed")
            finally:
                messages.clear()
            stop.wait(tick_seconds)


def _post_screenshot_notices(
    store: Store, messages: list[str], recorded: list[ScreenshotRecord]
) -> None:
    """Hand the capture's notice to the UI process (`worklens-agent ui` shows it)."""
    taken = next((record.id for record in recorded if record.skipped_reason is None), None)
    for message in messages:
        log.info("%s", message)
        post_notice(store, kind="screenshot", message=message, item_id=taken)
