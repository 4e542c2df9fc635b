"""Browser URLs end to end: Debian's Chromium, headed on a virtual X display with openbox, runs the
WorkLens extension (loaded unpacked from browser-extension/), paired through its options page with
the real agent (`worklens-agent run`). The person opens two pages served on 127.0.0.1; the agent's
window source sees Chromium in front, the extension reports each tab to the agent's browser bridge,
and the app spans the real server (`worklens-server serve`) stores for "chromium" carry each
page's URL, split where the page changed."""

from __future__ import annotations

import json
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser_extension import (
    PAGES,
    chromium_with_extension,
    first_page,
    pair_on_options_page,
    serve_pages,
)
from tests.e2e.desktop import virtual_desktop
from tests.e2e.processes import AgentProcess, ServerProcess, free_port, server_database, wait_until

NO_SCREENSHOTS = """
import json
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
policy = update_policy(company=Company.objects.get(id="{company_id}"), screenshots_per_interval=0)
print(json.dumps({{"version": policy.version}}))
"""

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium is not installed"),
]

SPANS = """
import json
from worklens_server.tracking.models import AppSpan
rows = [
    {"app": s.app, "title": s.title, "url": s.url,
     "seconds": (s.ended_at - s.started_at).total_seconds()}
    for s in AppSpan.objects.order_by("started_at")
]
print(json.dumps(rows))
"""


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[str]:
    """A virtual X display with openbox, which publishes the active window (EWMH)."""
    with virtual_desktop(tmp_path / "bin") as running:
        yield running.display


@pytest.fixture
def website(tmp_path: Path) -> Iterator[str]:
    with serve_pages(tmp_path / "site") as url:
        yield url


def _browser_source(agent: AgentProcess) -> dict[str, object] | None:
    sources = agent.status()["sources"]["sources"]
    return next((source for source in sources if source["name"] == "browser"), None)


def test_chromium_spans_on_the_server_carry_the_page_urls(
    tmp_path: Path, desktop: str, website: str
) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", "5")
        # Screenshots off: this test sends no input after the pages, so a screenshot taken at
        # its random moment would wait on the device for input, and the outbox never drain.
        server.query(NO_SCREENSHOTS.format(company_id=demo["company_id"]))
        server.start()
        agent = AgentProcess(tmp_path / "agent", {"DISPLAY": desktop})
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            paired = json.loads(agent.cli("browser", "pair", "--port", str(free_port()), "--json"))
            agent.cli("start", "--notes", "browser urls")
            agent.start_run()
            wait_until(
                lambda: _browser_source(agent) is not None,
                timeout=30,
                what="the agent to report its sources",
            )
            assert _browser_source(agent) == {"name": "browser", "available": True, "reason": ""}

            with chromium_with_extension(tmp_path / "chromium-profile", display=desktop) as (
                context,
                worker,
            ):
                page = first_page(context)
                pair_on_options_page(page, worker, port=paired["port"], token=paired["token"])
                for name in PAGES:
                    page.goto(f"{website}/{name}")
                    page.bring_to_front()
                    time.sleep(7)  # more than a slot: the span is closed and uploaded
            agent.cli("stop")
            agent.wait_until_sent()
            agent.kill_run(signal.SIGTERM)
            spans = server.query(SPANS)
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    chromium = [span for span in spans if span["app"] == "chromium"]
    by_url: dict[str | None, float] = {}
    for span in chromium:
        by_url[span["url"]] = by_url.get(span["url"], 0.0) + span["seconds"]
    plan, notes = f"{website}/plan.html", f"{website}/notes.html"
    assert set(by_url) - {None} == {plan, notes}, spans
    # Each page was in front about 7 s; the first second or so of each is the page loading.
    assert by_url[plan] >= 4, spans
    assert by_url[notes] >= 4, spans
    for span in chromium:
        if span["url"] == plan:
            assert span["title"] == "Sprint plan - Chromium"
        elif span["url"] == notes:
            assert span["title"] == "Meeting notes - Chromium"
        elif span["title"] and span["title"].startswith(("Sprint", "Meeting")):
            # The window was retitled and the report was still on its way: one poll at most.
            assert span["seconds"] <= 1.5, spans
    assert all(span["url"] is None for span in spans if span["app"] != "chromium")
    assert "browser bridge listening on 127.0.0.1:" in (agent.home / "run.log").read_text()
