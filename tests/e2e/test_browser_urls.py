"""Browser URLs end to end: Debian's Chromium, headed on a virtual X display with openbox, runs the
WorkLens extension (loaded unpacked from browser-extension/), paired through its options page with
the real agent (`worklens-agent run`). The person opens two pages served on 127.0.0.1; the agent's
window source sees Chromium in front, the extension reports each tab to the agent's browser bridge,
and the app spans the real server (`worklens-server serve`) stores for "chromium" carry each
page's URL, split where the page changed."""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

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

EXTENSION = Path(__file__).resolve().parents[2] / "browser-extension"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    f"--disable-extensions-except={EXTENSION}",
    f"--load-extension={EXTENSION}",
]
PAGES = {
    "plan.html": "<!doctype html><title>Sprint plan</title><h1>Sprint plan</h1>",
    "notes.html": "<!doctype html><title>Meeting notes</title><h1>Meeting notes</h1>",
}

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
def desktop() -> Iterator[str]:
    """A virtual X display with openbox, which publishes the active window (EWMH)."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        [
            *("Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24"),
            *("-nolisten", "tcp", "-noreset"),
        ],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        name = f":{pipe.readline().strip()}"
    openbox = subprocess.Popen(
        ["openbox"], env={**os.environ, "DISPLAY": name}, stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(0.5)
        yield name
    finally:
        openbox.terminate()
        openbox.wait(timeout=10)
        xvfb.terminate()
        xvfb.wait(timeout=10)


@pytest.fixture
def website(tmp_path: Path) -> Iterator[str]:
    """Two static pages on 127.0.0.1, the work the person does in the browser."""
    root = tmp_path / "site"
    root.mkdir()
    for name, html in PAGES.items():
        (root / name).write_text(html)

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _browser_source(agent: AgentProcess) -> dict[str, object] | None:
    sources = agent.status()["sources"]["sources"]
    return next((source for source in sources if source["name"] == "browser"), None)


def test_chromium_spans_on_the_server_carry_the_page_urls(
    tmp_path: Path, desktop: str, website: str
) -> None:
    from playwright.sync_api import sync_playwright

    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env)
        server.manage("migrate", "--no-input")
        demo = json.loads(
            server.manage("seed_demo", "--json", "--codes", "1", "--slot-seconds", "5")
        )
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

            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(tmp_path / "chromium-profile"),
                    executable_path="/usr/bin/chromium",
                    headless=False,
                    args=CHROMIUM_ARGS,
                    ignore_default_args=["--disable-extensions"],
                    env={**os.environ, "DISPLAY": desktop},
                )
                try:
                    worker = (
                        context.service_workers[0]
                        if context.service_workers
                        else context.wait_for_event("serviceworker", timeout=15_000)
                    )
                    extension_id = worker.url.split("/")[2]
                    page = context.pages[0] if context.pages else context.new_page()
                    # Pairing as a person does it: the options page, port and token pasted in.
                    page.goto(f"chrome-extension://{extension_id}/options.html")
                    page.fill("#port", str(paired["port"]))
                    page.fill("#token", paired["token"])
                    page.click("#save")
                    page.wait_for_selector("#status.ok", timeout=15_000)
                    assert "sending the active tab" in (page.text_content("#status") or "")

                    for name in PAGES:
                        page.goto(f"{website}/{name}")
                        page.bring_to_front()
                        time.sleep(7)  # more than a slot: the span is closed and uploaded
                finally:
                    context.close()
            agent.cli("stop")
            wait_until(
                lambda: agent.status()["pending_items"] == 0,
                timeout=60,
                what="the outbox to drain",
            )
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
