"""What the browser-extension tests share: Debian's Chromium with the unpacked WorkLens extension
(browser-extension/), its service worker, pairing it through its options page as a person does,
and the static pages on 127.0.0.1 that stand for the work done in the browser."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Worker, sync_playwright

from tests.e2e.browser import CHROMIUM_ARGS

EXTENSION = Path(__file__).resolve().parents[2] / "browser-extension"
EXTENSION_ARGS = [
    *CHROMIUM_ARGS,
    f"--disable-extensions-except={EXTENSION}",
    f"--load-extension={EXTENSION}",
]
PAGES = {
    "plan.html": "<!doctype html><title>Sprint plan</title><h1>Sprint plan</h1>",
    "notes.html": "<!doctype html><title>Meeting notes</title><h1>Meeting notes</h1>",
}


@contextlib.contextmanager
def chromium_with_extension(
    profile: Path, *, display: str | None = None
) -> Iterator[tuple[BrowserContext, Worker]]:
    """Chromium with the extension loaded: headed on `display`, else in the new headless mode
    (which runs extensions) with no display at all. Yields the context and the extension's
    service worker."""
    env: dict[str, str | float | bool] = {
        k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}
    }
    if display is not None:
        env["DISPLAY"] = display
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path="/usr/bin/chromium",
            headless=display is None,
            args=EXTENSION_ARGS,
            ignore_default_args=["--disable-extensions"],
            env=env,
        )
        try:
            worker = (
                context.service_workers[0]
                if context.service_workers
                else context.wait_for_event("serviceworker", timeout=15_000)
            )
            yield context, worker
        finally:
            context.close()


def first_page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()


def pair_on_options_page(page: Page, worker: Worker, *, port: int, token: str) -> None:
    """Pairing as a person does it: the options page, port and token pasted in, saved."""
    extension_id = worker.url.split("/")[2]
    page.goto(f"chrome-extension://{extension_id}/options.html")
    page.fill("#port", str(port))
    page.fill("#token", token)
    page.click("#save")
    page.wait_for_selector("#status.ok", timeout=15_000)
    assert "sending the active tab" in (page.text_content("#status") or "")


def pair_in_storage(worker: Worker, *, port: int, token: str) -> None:
    """Pairing by storing what the options page would (the tests of the page use the page)."""
    worker.evaluate(
        "([port, token]) => chrome.storage.local.set({port, token, pairedAt: Date.now()})",
        [port, token],
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def serve_pages(root: Path, pages: dict[str, str] = PAGES) -> Iterator[str]:
    """Writes `pages` (file name: HTML) into `root` and serves them; yields the base URL."""
    root.mkdir(parents=True, exist_ok=True)
    for name, html in pages.items():
        (root / name).write_text(html)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
