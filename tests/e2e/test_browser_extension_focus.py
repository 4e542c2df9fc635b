"""The extension says when its browser loses the focus and repeats the focused tab (the heartbeat):
Chromium, headed on a virtual X display with openbox, runs the unpacked extension against a real
browser bridge in this process, which keeps every report as sent. Another application (a Tk
window) coming to the front makes the extension send `{browser, focused: false, at}` with no tab
data (from the heartbeat, or from WINDOW_ID_NONE where Chromium sends it); while it is in front
nothing more is sent; Chromium back in front is reported again at once, and then on every
heartbeat.

The heartbeat's alarm fires every minute; the test makes it fire every second (Chromium lets an
unpacked extension's alarms run that often) rather than wait minutes."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Worker

from tests.e2e.browser_extension import (
    chromium_with_extension,
    first_page,
    pair_in_storage,
    serve_pages,
)
from tests.e2e.desktop import ColourWindow, VirtualDesktop, virtual_desktop, xdotool
from tests.e2e.processes import wait_until
from tests.e2e.test_browser_extension_policy import TOKEN, RecordingBridge
from worklens_wire.v1 import Policy

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium is not installed"),
]
TERMINAL = ColourWindow("terminal", "Build output", (40, 40, 40))
HEARTBEAT = "worklens-heartbeat"


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[VirtualDesktop]:
    with virtual_desktop(tmp_path / "bin") as running:
        yield running


@pytest.fixture
def website(tmp_path: Path) -> Iterator[str]:
    with serve_pages(tmp_path / "site") as url:
        yield url


@pytest.fixture
def bridge() -> Iterator[RecordingBridge]:
    running = RecordingBridge()
    running.policy = Policy(version=1)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _tab_reports(bridge: RecordingBridge, url: str, since: int = 0) -> list[dict[str, Any]]:
    return [report for report in bridge.sent[since:] if report.get("url") == url]


def _focus_lost(bridge: RecordingBridge) -> list[dict[str, Any]]:
    return [report for report in bridge.sent if report.get("focused") is False]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _heartbeat_every(worker: Worker, *, minutes: float) -> None:
    worker.evaluate(
        "([name, minutes]) => chrome.alarms.create(name, {periodInMinutes: minutes})",
        [HEARTBEAT, minutes],
    )


def _focus_chromium(desktop: VirtualDesktop) -> None:
    xdotool(desktop.display, "search", "--name", "^Sprint plan - Chromium$", "windowactivate")


def test_focus_loss_and_heartbeats_reach_the_bridge(
    tmp_path: Path, desktop: VirtualDesktop, bridge: RecordingBridge, website: str
) -> None:
    plan = f"{website}/plan.html"
    with chromium_with_extension(tmp_path / "chromium-profile", display=desktop.display) as (
        context,
        worker,
    ):
        page = first_page(context)
        page.goto(plan)
        wait_until(
            lambda: worker.evaluate(f"async () => !!(await chrome.alarms.get({HEARTBEAT!r}))"),
            timeout=15,
            what="the heartbeat alarm",
        )
        alarm = worker.evaluate(f"() => chrome.alarms.get({HEARTBEAT!r})")
        assert alarm["periodInMinutes"] == 1  # created at install, once
        pair_in_storage(worker, port=bridge.port, token=TOKEN)
        wait_until(lambda: _tab_reports(bridge, plan), timeout=15, what="the plan tab")
        assert _tab_reports(bridge, plan)[0]["focused"] is True
        assert bridge.tabs.tab_in_front(_now()) is not None

        # Another application comes to the front. Chromium started by Playwright sends no
        # WINDOW_ID_NONE until its window has been left and focused again once: the heartbeat
        # (every second from now on) notices that no window has the focus, and says so once.
        desktop.open_window(TERMINAL)
        desktop.focus(TERMINAL)
        _heartbeat_every(worker, minutes=1 / 60)
        wait_until(lambda: _focus_lost(bridge), timeout=15, what="the heartbeat's focus loss")
        assert set(_focus_lost(bridge)[0]) == {"browser", "focused", "at"}  # no tab data
        assert bridge.tabs.tab_in_front(_now()) is None
        behind = len(bridge.sent)
        time.sleep(2.5)
        assert bridge.sent[behind:] == []  # heartbeats while behind: nothing more to say

        _focus_chromium(desktop)
        wait_until(lambda: _tab_reports(bridge, plan, behind), timeout=15, what="plan, back")
        in_front = bridge.tabs.tab_in_front(_now())
        assert in_front is not None
        assert in_front.url == plan
        back = len(bridge.sent)
        wait_until(
            lambda: len(_tab_reports(bridge, plan, back)) >= 2, timeout=10, what="heartbeats"
        )
        assert all(report["focused"] is True for report in _tab_reports(bridge, plan, back))

        # Left again, with the heartbeat a minute away: now Chromium's WINDOW_ID_NONE says it.
        _heartbeat_every(worker, minutes=1)
        before = len(_focus_lost(bridge))
        desktop.focus(TERMINAL)
        wait_until(
            lambda: len(_focus_lost(bridge)) > before,
            timeout=10,
            what="WINDOW_ID_NONE's report",
        )
        assert bridge.tabs.tab_in_front(_now()) is None
        again = len(bridge.sent)
        _focus_chromium(desktop)  # the same tab as before the focus went: sent again
        wait_until(lambda: _tab_reports(bridge, plan, again), timeout=10, what="plan, again")
        assert bridge.tabs.tab_in_front(_now()) is not None
