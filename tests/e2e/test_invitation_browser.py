"""An owner invites an employee in a real browser; the employee joins from the e-mailed link,
reads and acknowledges the collection policy, gets an enrollment code, and the real agent
enrolls with it: the device appears on the employee's devices page.

Real parts: `worklens-server serve` and `worklens-server db_worker` as processes, an aiosmtpd SMTP
server in this test, Debian's Chromium through Playwright, the agent CLI as a process.
"""

from __future__ import annotations

import json
import platform
import re
import shlex
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.processes import AgentProcess, ServerProcess, WorkerProcess, server_database
from tests.smtp_sink import SmtpSink, text_body

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NEW_HIRE = "new.hire@demo.worklens.example"


def _owner_invites(browser: Browser, server: ServerProcess, demo: dict[str, str]) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=login]", demo["owner_email"])
    page.fill("input[name=password]", demo["owner_password"])
    page.locator("form button[type=submit]").last.click()
    page.get_by_role("link", name="Members").click()
    expect(page.locator("h1")).to_contain_text("Members")
    invite = page.locator("#invite form")
    invite.locator("input[name=email]").fill(NEW_HIRE)
    invite.locator("select[name=role]").select_option("employee")
    invite.locator("select[name=team]").select_option(label="Demo team")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {NEW_HIRE}")
    expect(page.locator("#invitations")).to_contain_text(NEW_HIRE)
    context.close()


def test_invited_employee_joins_acknowledges_and_enrolls_the_real_agent(tmp_path: Path) -> None:
    smtp = SmtpSink().start()
    try:
        with server_database(tmp_path / "server") as database_env:
            env = database_env | {"EMAIL_HOST": smtp.host, "EMAIL_PORT": str(smtp.port)}
            server = ServerProcess(env)
            server.manage("migrate", "--no-input")
            demo = json.loads(server.manage("seed_demo", "--json", "--codes", "0"))
            worker = WorkerProcess(env)
            server.start()
            worker.start()
            try:
                _run_invitation(tmp_path, server, demo, smtp)
            finally:
                worker.stop()
                server.stop()
    finally:
        smtp.stop()


def _run_invitation(
    tmp_path: Path, server: ServerProcess, demo: dict[str, str], smtp: SmtpSink
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            _owner_invites(browser, server, demo)

            message = smtp.wait_for(NEW_HIRE, timeout=60)[0]
            assert "invited you to WorkLens Demo" in str(message["Subject"])
            link = re.search(r"http://\S+/invitations/accept/\S+/", text_body(message))
            assert link, text_body(message)
            assert link.group(0).startswith(server.url)

            # The employee, in a browser context of their own (no owner session).
            context = browser.new_context()
            page = context.new_page()
            page.goto(link.group(0))
            expect(page.locator("h1")).to_have_text("Join WorkLens Demo")
            page.fill("input[name=full_name]", "Nadia New")
            page.fill("input[name=password1]", "a long employee passphrase")
            page.fill("input[name=password2]", "a long employee passphrase")
            page.get_by_role("button", name="Set password and continue").click()

            expect(page).to_have_url(f"{server.url}/collection-policy/")
            collected = page.locator("#collected")
            # The demo policy: one-minute slots, one screenshot per ten minutes, not blurred.
            expect(collected).to_contain_text(
                "Screenshots: 1 screenshot of your screen at random moments in every 10 minutes"
            )
            expect(collected).to_contain_text("not blurred")
            expect(collected).to_contain_text("active in every 1 minute")
            expect(page.locator("#never-collected")).to_contain_text(
                "Keystrokes, which keys you press, or anything you type."
            )
            page.get_by_label("I have read what is collected about me.").check()
            page.get_by_role("button", name="Acknowledge and get my enrollment code").click()

            code = page.locator("#enrollment-code").inner_text().strip()
            command = page.locator("#enroll-command").inner_text().strip()
            assert command == f"worklens-agent enroll {server.url} {code}"

            agent = AgentProcess(tmp_path / "agent")
            program, *args = shlex.split(command)
            assert program == "worklens-agent"
            agent.cli(*args)

            page.get_by_role("link", name="Devices", exact=True).click()
            devices = page.locator("#my-devices")
            expect(devices).to_contain_text(platform.node())
            page.screenshot(path=str(tmp_path / "devices.png"), full_page=True)
            context.close()
        finally:
            browser.close()

    acknowledged = server.query(
        "import json\n"
        "from worklens_server.policies.models import PolicyAcknowledgement as A\n"
        f"a = A.objects.get(member__user__email={NEW_HIRE!r})\n"
        "print(json.dumps([a.policy_version, a.member.role, a.member.devices.count()]))"
    )
    assert acknowledged == [1, "employee", 1]
