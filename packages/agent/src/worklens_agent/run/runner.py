"""`worklens-agent run`: the tracker on the main thread, uploads and policy refresh on their own.

Each thread opens its own Store connection (SQLite connections are not shared between threads).
SIGTERM or SIGINT sets one event; the tracker then records its partial slot and a last upload is
tried once, briefly, before the process exits.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
import time
from pathlib import Path
from types import FrameType

import httpx

from worklens_agent.clock import to_text, utcnow
from worklens_agent.desktop.display import display_problem
from worklens_agent.desktop.memory import keep_big_buffers_out_of_the_heap, release_free_memory
from worklens_agent.journal.enrollment import load_enrollment
from worklens_agent.journal.idle_periods import pending_idle
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.policy import cached_policy
from worklens_agent.journal.store import Store
from worklens_agent.recording.screenshot_encoding import load_encoder
from worklens_agent.recording.screenshots import screenshot_loop
from worklens_agent.recording.tracker import Tracker
from worklens_agent.run.idle_prompt import IdlePrompt
from worklens_agent.run.ui_process import start_ui, stop_child
from worklens_agent.settings import Key, upload_interval_seconds
from worklens_agent.sources import open_sources
from worklens_agent.sources.browser_bridge import open_browser_bridge
from worklens_agent.sources.browser_window import stand_in_for_window
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_agent.upload.device_sync import record_install, sync_device
from worklens_agent.upload.policy_refresh import REFRESH_SECONDS, refresh_policy
from worklens_agent.upload.updates import CHECK_EVERY_SECONDS, check_for_update
from worklens_agent.upload.uploader import Outcome, Uploader
from worklens_wire.v1 import CaptureSource, Policy

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
REJECTED_RETRY_AFTER_SECONDS = 3600.0
POLICY_READ_SECONDS = 5.0
FINAL_UPLOAD_TIMEOUT = 5.0


class _PolicyHolder:
    """The policy as the main thread sees it, re-read from the store every few seconds."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._policy = cached_policy(store)
        self._read_at = time.monotonic()

    def __call__(self) -> Policy:
        if time.monotonic() - self._read_at >= POLICY_READ_SECONDS:
            self._policy = cached_policy(self._store)
            self._read_at = time.monotonic()
        return self._policy


def _upload_loop(home: Path, stop: threading.Event, interval: float) -> None:
    with Store(home) as store:
        uploader = Uploader(store)
        outbox = Outbox(store)
        try:
            while not stop.is_set():
                try:
                    outbox.requeue_rejected(
                        older_than=utcnow() - dt.timedelta(seconds=REJECTED_RETRY_AFTER_SECONDS)
                    )
                    outcome = uploader.drain(stop)
                    if outcome is Outcome.TOKEN_REJECTED:
                        log.error("device token rejected; not uploading until re-enrolled")
                        return
                    outbox.prune()
                except Exception:  # a failure in one round is logged; the next round goes on
                    log.exception("upload round failed")
                stop.wait(interval)
        finally:
            uploader.close()


def _policy_loop(home: Path, stop: threading.Event, sources: list[CaptureSource]) -> None:
    with Store(home) as store:
        next_update_check = 0.0  # at start, then daily; a failed check is retried next round
        while not stop.is_set():
            enrollment = load_enrollment(store)
            if enrollment is not None:
                try:
                    with AgentApi.enrolled(enrollment) as api:
                        refresh_policy(store, api)
                        sync_device(store, api, sources)  # only what changed or is unsent
                        if time.monotonic() >= next_update_check:
                            check_for_update(store, api)
                            next_update_check = time.monotonic() + CHECK_EVERY_SECONDS
                except (httpx.HTTPError, ApiError, OSError) as exc:
                    log.warning("policy/device refresh failed: %s", exc)
            stop.wait(REFRESH_SECONDS)


def _final_upload(store: Store) -> None:
    """One last, short attempt, so what was just recorded does not wait for the next run."""
    enrollment = load_enrollment(store)
    if enrollment is None:
        return
    try:
        api = AgentApi.enrolled(enrollment, timeout=FINAL_UPLOAD_TIMEOUT)
    except OSError as exc:
        log.warning("no final upload: %s", exc)
        return
    final = Uploader(store, api, backoff_max=0.0)
    try:
        final.drain(max_failures=1)
    except Exception:
        log.exception("final upload failed")
    finally:
        final.close()


def run(home: Path, *, with_ui: bool = False) -> int:
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    keep_big_buffers_out_of_the_heap()
    with Store(home) as store:
        record_install(store)
        enrollment = load_enrollment(store)
        if enrollment is not None:  # fetch the policy before opening sources: it decides them
            try:
                with AgentApi.enrolled(enrollment) as api:
                    refresh_policy(store, api)
            except OSError as exc:
                log.warning("could not read the device token: %s", exc)
        policy = cached_policy(store)
        sampling_since = utcnow()  # input is counted from about here on
        opened = open_sources(policy)
        if policy.screenshots_per_interval > 0:
            load_encoder(policy)
        bridge, browser_source = open_browser_bridge(store, policy)
        opened.availability.append(browser_source)
        # No way to see the window in front (Wayland, no display): the browser's reports stand in.
        stand_in_for_window(opened, None if bridge is None else bridge.tabs, policy)
        store.set(
            Key.SOURCES,
            {
                "reported_at": to_text(utcnow()),
                "pid": os.getpid(),
                "sources": [source.model_dump(mode="json") for source in opened.availability],
            },
        )
        store.delete(Key.UPLOAD_BLOCKED)  # a restart is the user asking to try the token again
        for source in opened.availability:
            if not source.available:
                log.warning("source %s unavailable: %s", source.name, source.reason)

        threads = [
            threading.Thread(
                target=_upload_loop,
                args=(home, stop, upload_interval_seconds()),
                name="uploader",
                daemon=True,
            ),
            threading.Thread(
                target=_policy_loop,
                args=(home, stop, opened.availability),
                name="policy",
                daemon=True,
            ),
        ]
        for thread in threads:
            thread.start()

        tabs = None if bridge is None else bridge.tabs
        # Idle time is detected only where the idle source works; then a display exists to ask on.
        prompt = IdlePrompt(home) if opened.idle is not None and not display_problem() else None
        tracker = Tracker(
            store,
            opened.activity,
            _PolicyHolder(store),
            window=opened.window,
            browser=tabs,
            idle=opened.idle,
            on_idle_end=None if prompt is None else prompt.ask,
            sampling_since=sampling_since,
        )
        waiting = [period for period in pending_idle(store) if period.ended_at is not None]
        if prompt is not None and waiting:  # left undecided before a restart: ask again
            prompt.ask(waiting[0])
        window = opened.window

        def foreground_app() -> str | None:
            # Asked just before each capture, so the private-app rule sees what is in front now.
            front = None if window is None else window.active_window(read_title=False)
            return None if front is None else front.app

        shots = {"slot_at": tracker.slot_at, "foreground_app": foreground_app}
        threads.append(threading.Thread(target=screenshot_loop, args=(home, stop), kwargs=shots))
        threads[-1].daemon = True
        threads[-1].start()
        log.info("agent running (home %s)", home)
        ui = start_ui(home) if with_ui else None
        release_free_memory()  # what importing and opening everything left free in the heap
        next_tick = time.monotonic()
        try:
            while not stop.is_set():
                try:
                    tracker.tick()
                except Exception:  # one failed tick is logged; the next goes on
                    log.exception("tracker tick failed")
                next_tick += TICK_SECONDS
                stop.wait(max(0.0, next_tick - time.monotonic()))
        finally:
            try:
                tracker.tick()
            finally:
                tracker.flush()
                opened.close()
                if bridge is not None:
                    bridge.stop()
                if prompt is not None:
                    prompt.close()
                stop_child(ui)
        for thread in threads:
            thread.join(timeout=5)
        _final_upload(store)
    log.info("agent stopped")
    return 0
