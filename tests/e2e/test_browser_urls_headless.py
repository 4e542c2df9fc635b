"""Browser URLs where the agent cannot see the window in front: the real agent (`worklens-agent
run`) without DISPLAY or WAYLAND_DISPLAY, so no X source opens, and Debian's Chromium in the new
headless mode (which runs extensions) with the WorkLens extension, paired through its options page.
The person opens two pages served on 127.0.0.1; the extension's tab reports stand in for the
window source, and the app spans the real server (`worklens-server serve`) stores are Chromium's,
each with its page's URL and title. The agent and the server both say that the window source is
unavailable and that app spans come from browser tabs only.

Headless Chromium reports its one window as focused (`windows.getLastFocused().focused` is true),
so its reports count as a browser in front, as a headed browser's do while it has the focus."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser_extension import (
    PAGES,
    chromium_with_extension,
    first_page,
    pair_on_options_page,
    serve_pages,
)
from tests.e2e.processes import AgentProcess, ServerProcess, free_port, server_database, wait_until
from tests.e2e.test_browser_urls import SPANS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium is not installed"),
]
NO_DISPLAY = "no X display (DISPLAY is not set)"
TABS_ONLY = "app spans come from browser tabs only"
DEVICE_SOURCES = """
import json
from worklens_server.devices.models import Device
print(json.dumps([device.sources for device in Device.objects.all()]))
"""


@pytest.fixture
def website(tmp_path: Path) -> Iterator[str]:
    with serve_pages(tmp_path / "site") as url:
        yield url


def _source(sources: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((source for source in sources if source["name"] == name), None)


def test_headless_chromium_tabs_make_the_spans_without_a_display(
    tmp_path: Path, website: str
) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", "5")
        server.start()
        agent = AgentProcess(tmp_path / "agent")
        for name in ("DISPLAY", "WAYLAND_DISPLAY"):
            agent.env.pop(name, None)  # no X source can open: as on Wayland or a bare console
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            paired = json.loads(agent.cli("browser", "pair", "--port", str(free_port()), "--json"))
            agent.cli("start", "--notes", "browser urls without a display")
            agent.start_run()
            wait_until(
                lambda: _source(agent.status()["sources"]["sources"], "browser") is not None,
                timeout=30,
                what="the agent to report its sources",
            )
            sources = agent.status()["sources"]["sources"]
            assert _source(sources, "browser") == {
                "name": "browser",
                "available": True,
                "reason": "",
            }
            assert _source(sources, "window") == {
                "name": "window",
                "available": False,
                "reason": f"{NO_DISPLAY}; {TABS_ONLY} (the WorkLens extension)",
            }

            with chromium_with_extension(tmp_path / "chromium-profile") as (context, worker):
                page = first_page(context)
                pair_on_options_page(page, worker, port=paired["port"], token=paired["token"])
                for name in PAGES:
                    page.goto(f"{website}/{name}")
                    time.sleep(6)  # more than a slot: the span is closed and uploaded
                # Stopped while the browser is still open: a browser that quits without a word
                # is taken as in front until its report is stale (150 s).
                agent.cli("stop")
            agent.wait_until_sent()
            agent.kill_run(signal.SIGTERM)
            spans = server.query(SPANS)
            device_sources = server.query(DEVICE_SOURCES)
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    plan, notes = f"{website}/plan.html", f"{website}/notes.html"
    # Only the browser is seen, and only with a tab it reported: every span has its URL.
    assert {span["app"] for span in spans} == {"chromium"}, spans
    assert {span["url"] for span in spans} == {plan, notes}, spans
    by_url: dict[str, float] = {}
    for span in spans:
        by_url[span["url"]] = by_url.get(span["url"], 0.0) + span["seconds"]
        title = {plan: "Sprint plan", notes: "Meeting notes"}[span["url"]]
        if span["title"] != title:  # reported while the page was loading, titled by its address
            assert span["seconds"] <= 1.5, spans
    assert by_url[plan] >= 4, spans
    assert by_url[notes] >= 4, spans
    window = _source(device_sources[0], "window")
    assert window is not None
    assert window["available"] is False
    assert window["reason"].startswith(f"{NO_DISPLAY}; {TABS_ONLY}")
    run_log = (agent.home / "run.log").read_text()
    assert f"source window unavailable: {NO_DISPLAY}; {TABS_ONLY}" in run_log
