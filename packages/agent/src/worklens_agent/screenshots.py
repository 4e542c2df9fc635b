"""Screenshots: when to take them, how they are encoded, and the employee's say over them.

- Scheduling: `screenshots_per_interval` random moments inside each wall-clock window of
  `screenshot_interval_seconds`, taken only while a time entry is open.
- Private apps: just before a capture the foreground application is compared (case-insensitive,
  by base name) with the policy's `private_apps`; when it is listed nothing is captured and a
  ScreenshotRecord with skipped_reason="private_app" is recorded instead.
- Encoding: scaled down to `screenshot_max_width`, blurred on the device when the policy says so
  (before anything is written to disk), WebP at `screenshot_quality` (JPEG when this Pillow has no
  WebP encoder); a capture that needs neither is encoded from the grabbed pixels themselves.
- Storage: each image is a file in `<home>/screenshots/`, never a blob in SQLite; the journal item
  (a ScreenshotRecord) and a `screenshot_files` row that names the file are written in one
  transaction after the file is safely on disk.
- Employee control: an image is held back from upload for HOLD_SECONDS after capture unless the
  employee confirms it. Deleting it within that window removes the file, records
  skipped_reason="deleted_by_employee" and discards the slot's time (see `delete_capture`).
- Disk bound: when the images waiting for upload exceed the limit (2 GB by default), the oldest
  are dropped first and recorded as skipped_reason="disk_limit". Time entries and slots are never
  dropped: they are small, and they are the record of work time.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Literal, TypeVar

from PIL import Image, ImageFilter

from worklens_agent.entries import current_entry
from worklens_agent.memory import release_free_memory
from worklens_agent.notices import post_notice
from worklens_agent.outbox import IDLE_HELD_SQL, record_in
from worklens_agent.policy import cached_policy
from worklens_agent.sources.screen import ScreenGrabber, ScreenPixels, open_screen_grabber
from worklens_agent.store import Store, from_text, to_text, utcnow
from worklens_agent.tracker import slot_boundary
from worklens_agent.webp import bgrx_encoder
from worklens_wire import new_id
from worklens_wire.v1 import MAX_SCREENSHOT_BYTES, Policy, ScreenshotRecord, TimeEntry

log = logging.getLogger(__name__)
_T = TypeVar("_T")

SCREENSHOT_DIR = "screenshots"
HOLD_ENV = "WORKLENS_SCREENSHOT_HOLD_SECONDS"
DEFAULT_HOLD_SECONDS = 600
DISK_LIMIT_ENV = "WORKLENS_SCREENSHOT_DISK_LIMIT_BYTES"
DISK_LIMIT_CONFIG_KEY = "screenshot_disk_limit_bytes"
DEFAULT_DISK_LIMIT_BYTES = 2 * 1024**3
#: libwebp's effort, 0-6. On a 1920x1080 desktop of text, 2 takes half the CPU time of 4 (about
#: 55 ms against 110) for 3 % more bytes; above 4 nothing is gained for this kind of image.
WEBP_METHOD = 2
TIMINGS_CONFIG_KEY = "screenshot_timings"
TIMINGS_KEPT = 100
#: How long a capture waits for the tracker to open the slot covering its moment (a capture just
#: after a slot boundary may run before the tracker's tick has rolled the slot over).
SLOT_WAIT_SECONDS = 3.0

SkipReason = Literal["private_app", "disk_limit", "deleted_by_employee"]


def capture_timings(store: Store) -> list[dict[str, object]]:
    """The last captured images, oldest first: when, the milliseconds their grab and encode took
    (`ms` on the clock, `cpu_ms` of this thread's CPU time, which a busy machine inflates less)
    and their size in bytes."""
    return list(store.get(TIMINGS_CONFIG_KEY, []))


def hold_seconds() -> float:
    value = os.environ.get(HOLD_ENV)
    return float(value) if value else float(DEFAULT_HOLD_SECONDS)


def disk_limit_bytes(store: Store) -> int:
    """WORKLENS_SCREENSHOT_DISK_LIMIT_BYTES, else the stored config value, else 2 GB."""
    value = os.environ.get(DISK_LIMIT_ENV)
    if value:
        return int(value)
    return int(store.get(DISK_LIMIT_CONFIG_KEY, DEFAULT_DISK_LIMIT_BYTES))


# --- encoding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    media_type: Literal["image/webp", "image/jpeg"]
    width: int
    height: int
    blurred: bool

    @property
    def suffix(self) -> str:
        return ".webp" if self.media_type == "image/webp" else ".jpg"


@functools.cache
def webp_available() -> bool:
    # Importing the two encoders' plugins registers them. Without that, the first save makes
    # Pillow import every format plugin it has (about fifty, AVIF's library among them): 4 MB more
    # resident for good, and 6 MB more at the first capture's peak.
    from PIL import JpegImagePlugin, WebPImagePlugin  # noqa: F401

    return bool(WebPImagePlugin.SUPPORTED)


def blur_radius(width: int) -> float:
    """Strong enough that text is unreadable while windows and layout stay recognisable."""
    return max(4.0, width / 160)


def encode_screenshot(
    image: Image.Image | ScreenPixels, policy: Policy, *, webp: bool | None = None
) -> EncodedImage:
    """Scale to the policy's maximum width, blur when asked, encode as WebP (JPEG fallback).

    Grabbed pixels that need neither go to libwebp as they are (`worklens_agent.webp`): the same
    bytes as through Pillow, without the two full-size copies Pillow's encoder makes first.
    """
    available = webp_available()  # also registers both encoders (see there)
    use_webp = available if webp is None else webp
    if isinstance(image, ScreenPixels):
        direct = bgrx_encoder() if use_webp else None
        if (
            direct is not None
            and image.width <= policy.screenshot_max_width
            and not policy.screenshot_blur
        ):
            data = direct.encode(
                image.bgrx,
                image.width,
                image.height,
                quality=policy.screenshot_quality,
                method=WEBP_METHOD,
            )
            return EncodedImage(data, "image/webp", image.width, image.height, blurred=False)
        image = image.to_image()
    if image.mode != "RGB":
        image = image.convert("RGB")
    if image.width > policy.screenshot_max_width:
        height = max(1, round(image.height * policy.screenshot_max_width / image.width))
        # reducing_gap: a cheap integer reduce first, then a short high-quality resample.
        image = image.resize(
            (policy.screenshot_max_width, height),
            Image.Resampling.BICUBIC,
            reducing_gap=2.0,
        )
    if policy.screenshot_blur:
        image = image.filter(ImageFilter.GaussianBlur(blur_radius(image.width)))
    buffer = io.BytesIO()
    if use_webp:
        image.save(buffer, "WEBP", quality=policy.screenshot_quality, method=WEBP_METHOD)
        media_type: Literal["image/webp", "image/jpeg"] = "image/webp"
    else:
        image.save(buffer, "JPEG", quality=policy.screenshot_quality)
        media_type = "image/jpeg"
    return EncodedImage(
        buffer.getvalue(), media_type, image.width, image.height, policy.screenshot_blur
    )


def load_encoder(policy: Policy) -> None:
    """Load the encoder (Pillow's plugins, libwebp) at start-up rather than inside the first
    capture: what loading leaves free is then handed back with the rest of start-up's, and the
    first capture's peak is no higher than any other's."""
    encode_screenshot(ScreenPixels(16, 16, bytearray(16 * 16 * 4)), policy)


# --- private apps --------------------------------------------------------------------------------


def _app_name(app: str) -> str:
    name = PureWindowsPath(app.replace("/", "\\")).name.strip().lower()
    for suffix in (".exe", ".app"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_private_app(app: str | None, private_apps: list[str]) -> bool:
    """Case-insensitive match on the base name (a path, `.exe` or `.app` suffix is ignored)."""
    if not app or not private_apps:
        return False
    name = _app_name(app)
    return bool(name) and any(_app_name(listed) == name for listed in private_apps)


# --- scheduling ----------------------------------------------------------------------------------


class ScreenshotSchedule:
    """Random moments inside each wall-clock window of `screenshot_interval_seconds`.

    Moments are drawn when a window is first seen. When the agent starts in the middle of a window
    the moments already past are dropped rather than taken all at once. A moment the ticks missed
    at the end of a window is taken at the first tick of the next one.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._key: tuple[dt.datetime, int, int] | None = None
        self._moments: list[dt.datetime] = []

    @property
    def moments(self) -> list[dt.datetime]:
        return list(self._moments)

    def due(self, now: dt.datetime, policy: Policy) -> bool:
        """True when a planned moment has arrived (several past moments count once)."""
        count, interval = policy.screenshots_per_interval, policy.screenshot_interval_seconds
        window = slot_boundary(now, interval)
        key = (window, interval, count)
        if key != self._key:
            previous = self._key
            first = previous is None or previous[1:] != key[1:]
            # A moment at the very end of the window just over that no tick reached in time (a
            # tick is a second apart, later on a busy machine) is taken now rather than lost.
            overdue = (
                not first
                and previous is not None
                and previous[0] + dt.timedelta(seconds=interval) == window
                and bool(self._moments)
            )
            self._key = key
            self._moments = sorted(
                window + dt.timedelta(seconds=self._rng.uniform(0, interval)) for _ in range(count)
            )
            if first:
                self._moments = [moment for moment in self._moments if moment >= now]
            if overdue:
                self._moments.insert(0, now)
        if not self._moments or self._moments[0] > now:
            return False
        self._moments = [moment for moment in self._moments if moment > now]
        return True


# --- the files and their rows ------------------------------------------------------------------


@dataclass(frozen=True)
class HeldScreenshot:
    id: uuid.UUID
    capture_id: uuid.UUID
    time_entry_id: uuid.UUID
    slot_id: uuid.UUID | None
    taken_at: dt.datetime
    monitor: int
    path: Path
    bytes: int
    media_type: str
    hold_until: dt.datetime
    confirmed: bool
    state: str
    attempts: int
    detail: str

    def deletable(self, now: dt.datetime) -> bool:
        return not self.confirmed and now < self.hold_until


class ScreenshotError(Exception):
    """An employee action that cannot be done (unknown id, review window over)."""


class ScreenshotFiles:
    """The images waiting for upload, on one Store connection."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.directory = store.home / SCREENSHOT_DIR

    def _row(self, row: sqlite3.Row) -> HeldScreenshot:
        return HeldScreenshot(
            id=uuid.UUID(row["item_id"]),
            capture_id=uuid.UUID(row["capture_id"]),
            time_entry_id=uuid.UUID(row["time_entry_id"]),
            slot_id=None if row["slot_id"] is None else uuid.UUID(row["slot_id"]),
            taken_at=from_text(row["taken_at"]),
            monitor=int(row["monitor"]),
            path=self.directory / row["path"],
            bytes=int(row["bytes"]),
            media_type=row["media_type"],
            hold_until=from_text(row["hold_until"]),
            confirmed=bool(row["confirmed"]),
            state=row["state"],
            attempts=int(row["attempts"]),
            detail=row["detail"],
        )

    def waiting(self) -> list[HeldScreenshot]:
        rows = self.store.conn.execute(
            "SELECT * FROM screenshot_files ORDER BY taken_at, monitor"
        ).fetchall()
        return [self._row(row) for row in rows]

    def get(self, item_id: uuid.UUID) -> HeldScreenshot | None:
        row = self.store.conn.execute(
            "SELECT * FROM screenshot_files WHERE item_id = ?", (str(item_id),)
        ).fetchone()
        return None if row is None else self._row(row)

    def total_bytes(self) -> int:
        row = self.store.conn.execute("SELECT coalesce(sum(bytes), 0) FROM screenshot_files")
        return int(row.fetchone()[0])

    def add(
        self,
        record: ScreenshotRecord,
        encoded: EncodedImage,
        *,
        capture_id: uuid.UUID,
        hold: float,
        now: dt.datetime,
    ) -> HeldScreenshot:
        """Write the file durably, then its row and journal item in one transaction."""
        self.directory.mkdir(mode=0o700, exist_ok=True)
        name = f"{record.id}{encoded.suffix}"
        final = self.directory / name
        partial = final.with_suffix(final.suffix + ".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(encoded.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        try:
            with self.store.transaction() as conn:
                record_in(conn, record, now=now)
                conn.execute(
                    "INSERT INTO screenshot_files (item_id, capture_id, time_entry_id, slot_id, "
                    "taken_at, monitor, path, bytes, media_type, hold_until) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        str(record.id),
                        str(capture_id),
                        str(record.time_entry_id),
                        None if record.slot_id is None else str(record.slot_id),
                        to_text(record.taken_at),
                        record.monitor,
                        name,
                        len(encoded.data),
                        encoded.media_type,
                        to_text(record.taken_at + dt.timedelta(seconds=hold)),
                    ),
                )
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        held = self.get(record.id)
        assert held is not None  # written just above
        return held

    def _drop_in(
        self, conn: sqlite3.Connection, held: HeldScreenshot, reason: SkipReason, now: dt.datetime
    ) -> None:
        """Replace the item by a skipped record and forget the file row (caller unlinks)."""
        row = conn.execute(
            "SELECT payload FROM items WHERE id = ? AND kind = 'screenshot'", (str(held.id),)
        ).fetchone()
        record = ScreenshotRecord.model_validate_json(row["payload"])
        skipped = record.model_copy(update={"skipped_reason": reason, "width": 0, "height": 0})
        record_in(conn, skipped, now=now)
        conn.execute("DELETE FROM screenshot_files WHERE item_id = ?", (str(held.id),))

    def confirm(self, item_id: uuid.UUID, *, now: dt.datetime | None = None) -> list[uuid.UUID]:
        """The employee lets this capture (every monitor of it) go up now."""
        held = self._require(item_id)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE screenshot_files SET confirmed = 1, hold_until = min(hold_until, ?) "
                "WHERE capture_id = ?",
                (to_text(now or utcnow()), str(held.capture_id)),
            )
        return [shot.id for shot in self.waiting() if shot.capture_id == held.capture_id]

    def delete_capture(
        self, item_id: uuid.UUID, *, now: dt.datetime | None = None
    ) -> list[uuid.UUID]:
        """The employee deletes a screenshot within its review window.

        Every monitor's image of that capture goes, each recorded as deleted_by_employee, and the
        slot the capture belongs to is discarded: its time is never uploaded. This is what Hubstaff
        does, and for the same reason: a screenshot is the evidence of the slot's work, so deleting
        the evidence also gives up being paid for that slot. Keeping the time would make deletion
        a free way to hide any ten minutes. The slot's upload was held back with the screenshot
        (see Outbox.next_batch), so it has not left the device.
        """
        now = now or utcnow()
        held = self._require(item_id)
        if not held.deletable(now):
            reason = "it was confirmed" if held.confirmed else "its review window is over"
            raise ScreenshotError(f"screenshot {item_id} can no longer be deleted: {reason}")
        siblings = [shot for shot in self.waiting() if shot.capture_id == held.capture_id]
        with self.store.transaction() as conn:
            for shot in siblings:
                self._drop_in(conn, shot, "deleted_by_employee", now)
            if held.slot_id is not None:
                conn.execute(
                    "INSERT INTO discarded_slots (slot_id, reason, discarded_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (slot_id) DO NOTHING",
                    (str(held.slot_id), "screenshot deleted by employee", to_text(now)),
                )
        for shot in siblings:
            shot.path.unlink(missing_ok=True)
        log.info("screenshot %s deleted by the employee; slot %s discarded", item_id, held.slot_id)
        return [shot.id for shot in siblings]

    def _require(self, item_id: uuid.UUID) -> HeldScreenshot:
        held = self.get(item_id)
        if held is None:
            raise ScreenshotError(f"no screenshot {item_id} is waiting on this device")
        return held

    def enforce_disk_limit(self, limit: int, *, now: dt.datetime | None = None) -> list[uuid.UUID]:
        """Drop the oldest images until the rest fit in `limit` bytes; returns the dropped ids."""
        now = now or utcnow()
        dropped: list[HeldScreenshot] = []
        total = self.total_bytes()
        if total <= limit:
            return []
        with self.store.transaction() as conn:
            for shot in self.waiting():  # oldest first
                if total <= limit:
                    break
                self._drop_in(conn, shot, "disk_limit", now)
                dropped.append(shot)
                total -= shot.bytes
        for shot in dropped:
            shot.path.unlink(missing_ok=True)
        if dropped:
            log.warning(
                "screenshot disk limit %d bytes: dropped %d oldest screenshots", limit, len(dropped)
            )
        return [shot.id for shot in dropped]

    def enforce_missing(self, held: HeldScreenshot, *, now: dt.datetime | None = None) -> None:
        """The image file is gone: record the screenshot as dropped (disk_limit is the nearest
        reason the contract has) so its record still reaches the server."""
        with self.store.transaction() as conn:
            self._drop_in(conn, held, "disk_limit", now or utcnow())

    def remove_orphans(self) -> int:
        """Files with no row: left by a crash between writing a file and committing its row."""
        if not self.directory.is_dir():
            return 0
        known = {row[0] for row in self.store.conn.execute("SELECT path FROM screenshot_files")}
        removed = 0
        for path in self.directory.iterdir():
            if path.name not in known:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- upload bookkeeping (used by the uploader) ----------------------------------------------

    def next_upload(self, *, now: dt.datetime | None = None) -> HeldScreenshot | None:
        """The oldest image whose review window is over and whose time entry the server has,
        and whose record the outbox would send too: not idle time waiting for the employee's
        decision, nor taken after the last input seen in the open entry (it may yet turn out to
        be idle time, and an image on the server could no longer be discarded; idle.py)."""
        row = self.store.conn.execute(
            "SELECT sf.* FROM screenshot_files AS sf WHERE sf.state = 'pending' "  # noqa: S608 (constant SQL)
            "AND sf.hold_until <= ? AND NOT EXISTS ("
            "  SELECT 1 FROM items AS e WHERE e.id = sf.time_entry_id AND e.acked_revision = 0"
            ") AND NOT EXISTS ("
            f"  SELECT 1 FROM items AS i WHERE i.id = sf.item_id AND ({IDLE_HELD_SQL})"
            ") ORDER BY sf.taken_at, sf.monitor LIMIT 1",
            (to_text(now or utcnow()),),
        ).fetchone()
        return None if row is None else self._row(row)

    def meta_of(self, held: HeldScreenshot) -> str:
        row = self.store.conn.execute(
            "SELECT payload FROM items WHERE id = ?", (str(held.id),)
        ).fetchone()
        return str(row["payload"])

    def mark_uploaded(self, held: HeldScreenshot, *, now: dt.datetime | None = None) -> None:
        """The server stored the image (and its record): ack the item, then delete the file."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE items SET acked_revision = revision, acked_at = ? WHERE id = ?",
                (to_text(now or utcnow()), str(held.id)),
            )
            conn.execute("DELETE FROM screenshot_files WHERE item_id = ?", (str(held.id),))
        held.path.unlink(missing_ok=True)

    def mark_attempt(
        self,
        held: HeldScreenshot,
        detail: str,
        *,
        rejected: bool = False,
        now: dt.datetime | None = None,
    ) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE screenshot_files SET attempts = attempts + 1, last_attempt_at = ?, "
                "detail = ?, state = ? WHERE item_id = ?",
                (
                    to_text(now or utcnow()),
                    detail,
                    "rejected" if rejected else "pending",
                    str(held.id),
                ),
            )


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
        timings = self.store.get(TIMINGS_CONFIG_KEY, [])[-(TIMINGS_KEPT - 1) :]
        timings.append(
            {
                "at": to_text(taken_at),
                "ms": round(cost.wall * 1000, 1),
                "cpu_ms": round(cost.cpu * 1000, 1),
                "bytes": size,
            }
        )
        self.store.set(TIMINGS_CONFIG_KEY, timings)
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
        hold = hold_seconds()
        recorded: list[ScreenshotRecord] = []
        for monitor, image in enumerate(images[:17]):
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
            )
            self.files.add(record, encoded, capture_id=capture_id, hold=hold, now=taken_at)
            recorded.append(record)
        self.files.enforce_disk_limit(disk_limit_bytes(self.store), now=taken_at)
        if recorded:
            self.notify(
                f"Screenshot taken ({len(recorded)} monitor(s)); you can delete it within "
                f"{int(hold // 60)} min: worklens-agent screenshots delete {recorded[0].id}"
            )
        return recorded


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
