"""The extension obeys the policy the bridge passes on: Chromium runs the unpacked extension
against a real browser bridge (in this process, so the test can switch the policy and see every
report the extension sends). With titles off no title is sent; with URLs off no tab data at all,
only a question with no tab in it once the recheck time has passed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser_extension import (
    chromium_with_extension,
    first_page,
    pair_in_storage,
    serve_pages,
)
from tests.e2e.processes import wait_until
from worklens_agent.sources.browser_bridge import BrowserBridge, TabReportIn
from worklens_wire.v1 import Policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium is not installed"),
]
TOKEN = "extension-policy-test-token"


class RecordingBridge(BrowserBridge):
    """The real bridge, also keeping every report it was sent, as sent, once the bridge has dealt
    with it (a report seen in `sent` is already stored, or refused, in `tabs`)."""

    def __init__(self) -> None:
        self.policy = Policy(version=1, capture_titles=False)
        self.sent: list[dict[str, Any]] = []
        super().__init__(token=TOKEN, policy=lambda: self.policy, port=0, recheck_seconds=2)

    def receive(self, report: TabReportIn) -> dict[str, Any]:
        answer = super().receive(report)
        self.sent.append(report.model_dump(exclude_unset=True, mode="json"))
        return answer


@pytest.fixture
def bridge() -> Iterator[RecordingBridge]:
    running = RecordingBridge()
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def website(tmp_path: Path) -> Iterator[str]:
    with serve_pages(tmp_path / "site") as url:
        yield url


def test_the_extension_sends_what_the_policy_wants_and_nothing_else(
    tmp_path: Path, bridge: RecordingBridge, website: str
) -> None:
    plan, notes = f"{website}/plan.html", f"{website}/notes.html"
    with chromium_with_extension(tmp_path / "chromium-profile") as (context, worker):
        page = first_page(context)
        page.goto(plan)
        pair_in_storage(worker, port=bridge.port, token=TOKEN)
        wait_until(
            lambda: any(report.get("url") == plan for report in bridge.sent),
            timeout=15,
            what="the plan page's report",
        )
        # The first thing said is a question with no tab data; titles are off, so none is sent.
        assert set(bridge.sent[0]) == {"browser", "at"}
        assert all("title" not in report for report in bridge.sent)
        assert bridge.tabs.snapshot()["chromium"].url == plan

        bridge.policy = Policy(version=2)  # titles on: the answers now ask for them
        time.sleep(2.5)  # past recheck_seconds
        page.goto(notes)
        wait_until(
            lambda: any(r.get("title") == "Meeting notes" for r in bridge.sent),
            timeout=15,
            what="a report with the title",
        )
        assert bridge.tabs.snapshot()["chromium"].url == notes

        bridge.policy = Policy(version=3, capture_urls=False)
        turned_off = len(bridge.sent)
        page.goto(plan)  # still believed wanted: sent once, not stored, answered "no URLs"
        wait_until(
            lambda: any(r.get("url") == plan for r in bridge.sent[turned_off:]),
            timeout=15,
            what="the report the bridge answers with no URLs wanted",
        )
        assert bridge.tabs.snapshot() == {}
        told = len(bridge.sent)
        for _ in range(3):
            page.goto(notes)
            page.goto(plan)
            time.sleep(1)
        wait_until(lambda: len(bridge.sent) > told, timeout=15, what="the question after recheck")
        after = bridge.sent[told:]
        assert after, "the extension never asked again"
        assert all(set(report) == {"browser", "at"} for report in after), after
        assert bridge.tabs.snapshot() == {}

        bridge.policy = Policy(version=4)  # URLs back on: the next question learns it
        time.sleep(2.5)
        page.goto(notes)
        wait_until(
            lambda: (
                (tab := bridge.tabs.snapshot().get("chromium")) is not None and tab.url == notes
            ),
            timeout=15,
            what="reports to resume",
        )
