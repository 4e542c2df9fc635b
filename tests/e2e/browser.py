"""What the browser tests share: Debian's Chromium launched headless through Playwright, the real
server and task worker with an SMTP sink for their e-mail, signing in, links out of e-mails, and
TOTP codes as an authenticator app computes them."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.processes import ServerProcess, WorkerProcess, server_database
from tests.smtp_sink import SmtpSink

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Chromium is not installed"
)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Stack:
    """The server, its task worker and the SMTP server they deliver to; `demo` is what
    `seed_demo --json` printed when the database was seeded, else empty."""

    server: ServerProcess
    worker: WorkerProcess
    smtp: SmtpSink
    env: dict[str, str]
    demo: dict[str, Any]


@contextlib.contextmanager
def running_stack(data_dir: Path, *seed_args: str) -> Iterator[Stack]:
    """A migrated database (seeded with `seed_demo --json *seed_args` when given), the server
    serving and the worker delivering e-mail to an SMTP sink; all stopped afterwards."""
    smtp = SmtpSink().start()
    try:
        with server_database(data_dir) as database_env:
            env = database_env | {"EMAIL_HOST": smtp.host, "EMAIL_PORT": str(smtp.port)}
            server = ServerProcess(env)
            env["WORKLENS_BASE_URL"] = server.url
            server.env["WORKLENS_BASE_URL"] = server.url
            server.manage("migrate", "--no-input")
            demo = json.loads(server.manage("seed_demo", "--json", *seed_args)) if seed_args else {}
            worker = WorkerProcess(env)
            worker.start()
            try:
                server.start()
                try:
                    yield Stack(server=server, worker=worker, smtp=smtp, env=env, demo=demo)
                finally:
                    server.stop()
            finally:
                worker.stop()
    finally:
        smtp.stop()


def log_in(browser: Browser, server: ServerProcess, email: str, password: str, **ctx: Any) -> Page:
    """A new browser context signed in with a password, on the landing page ("Team today")."""
    page = browser.new_context(**ctx).new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("Team today")
    return page


def link_in(text: str, path: str) -> str:
    """The first address in `text` with `path` in it (a link in an e-mail)."""
    match = re.search(r"https?://\S+" + re.escape(path) + r"\S*", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(0)


def totp_code(secret: str, not_counter: int | None = None) -> tuple[str, int]:
    """The current code and its 30-second step; waits for the next step when `not_counter` was
    used already (the server accepts each code once), or when the current step ends within
    5 s (the server accepts a code only during its own step)."""
    counter = int(time.time()) // 30
    if counter == not_counter or time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
        counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter)), counter


def accept_invitation(page: Page, link: str, company: str, full_name: str, password: str) -> None:
    """The invited person opens the e-mailed link and sets a password; the collection policy
    is shown next."""
    page.goto(link)
    expect(page.locator("h1")).to_have_text(f"Join {company}")
    page.fill("input[name=full_name]", full_name)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page).to_have_url(re.compile(r"/collection-policy/$"))


def acknowledge_policy(page: Page) -> tuple[str, str]:
    """Acknowledges the policy on the page; the enrollment code and command shown afterwards."""
    page.get_by_label("I have read what is collected about me.").check()
    page.get_by_role("button", name="Acknowledge and get my enrollment code").click()
    code = page.locator("#enrollment-code").inner_text().strip()
    command = page.locator("#enroll-command").inner_text().strip()
    return code, command
