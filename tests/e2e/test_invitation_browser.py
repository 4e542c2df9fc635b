"""An owner invites an employee in a real browser; the employee joins from the e-mailed link,
reads and acknowledges the collection policy, gets an enrollment code, and the real agent
enrolls with it: the device appears on the employee's devices page.

Real parts: `worklens-server serve` and `worklens-server db_worker` as processes, an aiosmtpd SMTP
server in this test, Debian's Chromium through Playwright, the agent CLI as a process.
"""

from __future__ import annotations

import platform
import re
import shlex
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import (
    accept_invitation,
    acknowledge_policy,
    chromium,
    log_in,
    needs_chromium,
    running_stack,
)
from tests.e2e.processes import AgentProcess, ServerProcess
from tests.smtp_sink import SmtpSink, text_body

pytestmark = [pytest.mark.browser, needs_chromium]
NEW_HIRE = "new.hire@demo.worklens.example"


def _owner_invites(browser: Browser, server: ServerProcess, demo: dict[str, str]) -> None:
    page = log_in(browser, server, demo["owner_email"], demo["owner_password"])
    page.get_by_role("link", name="Members").click()
    expect(page.locator("h1")).to_contain_text("Members")
    invite = page.locator("#invite form")
    invite.locator("input[name=email]").fill(NEW_HIRE)
    invite.locator("select[name=role]").select_option("employee")
    invite.locator("select[name=team]").select_option(label="Demo team")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {NEW_HIRE}")
    expect(page.locator("#invitations")).to_contain_text(NEW_HIRE)
    page.context.close()


def test_invited_employee_joins_acknowledges_and_enrolls_the_real_agent(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "0") as stack:
        _run_invitation(tmp_path, stack.server, stack.demo, stack.smtp)


def _run_invitation(
    tmp_path: Path, server: ServerProcess, demo: dict[str, str], smtp: SmtpSink
) -> None:
    with chromium() as browser:
        _owner_invites(browser, server, demo)

        message = smtp.wait_for(NEW_HIRE, timeout=60)[0]
        assert "invited you to WorkLens Demo" in str(message["Subject"])
        link = re.search(r"http://\S+/invitations/accept/\S+/", text_body(message))
        assert link, text_body(message)
        assert link.group(0).startswith(server.url)

        # The employee, in a browser context of their own (no owner session).
        context = browser.new_context()
        page = context.new_page()
        accept_invitation(
            page, link.group(0), "WorkLens Demo", "Nadia New", "a long employee passphrase"
        )
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
        code, command = acknowledge_policy(page)
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

    acknowledged = server.query(
        "import json\n"
        "from worklens_server.policies.models import PolicyAcknowledgement as A\n"
        f"a = A.objects.get(member__user__email={NEW_HIRE!r})\n"
        "print(json.dumps([a.policy_version, a.member.role, a.member.devices.count()]))"
    )
    assert acknowledged == [1, "employee", 1]
