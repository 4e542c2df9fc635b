"""The whole path of a new customer, in one go, in real browsers (Debian's Chromium, headless)
against the real server and task worker, with every e-mail delivered to a real SMTP server in
this test:

sign up → the verification e-mail → its link → create the company (EU VAT number checked) →
invite an employee from the dashboard → the invitation e-mail → the employee, in a second
browser context, sets a password, reads the policy in plain words, acknowledges it and gets an
enrollment code → the real agent enrolls with it (`worklens-agent enroll` as a process) and runs
on a virtual display until a screenshot it took is stored on the server's disk → the owner turns
on TOTP two-factor authentication (recovery codes shown) → changes the password (confirmation
e-mail) → cancels the company, re-entering the password → the cancellation e-mail.

Afterwards the test counts, with raw SQL in the database itself, every row that refers to the
company or to either person (every table with a foreign key to them, from the database's
catalog): none is left, nor the people, nor any file in the screenshot storage. Each major
step is saved at desktop width to artifacts/journey-*.png.
"""

from __future__ import annotations

import itertools
import platform
import re
import shlex
import shutil
import signal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    ARTIFACTS,
    DESKTOP,
    Stack,
    accept_invitation,
    acknowledge_policy,
    chromium,
    link_in,
    needs_chromium,
    running_stack,
    totp_code,
)
from tests.e2e.database_rows import COMPANY_TABLE, USER_TABLE, Database
from tests.e2e.desktop import virtual_desktop
from tests.e2e.processes import AgentProcess, wait_until
from tests.smtp_sink import text_body

pytestmark = [
    pytest.mark.browser,
    pytest.mark.desktop,
    needs_chromium,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "openbox")),
        reason="Xvfb and openbox are needed for the agent's screenshots",
    ),
    pytest.mark.timeout(420),
]

COMPANY = "Journey Logistics GmbH"
OWNER_EMAIL = "olga.owner@journey.example"
OWNER_PASSWORD = "owner's first long passphrase"
OWNER_NEW_PASSWORD = "owner's second long passphrase"
EMPLOYEE_EMAIL = "erik.employee@journey.example"
EMPLOYEE_PASSWORD = "employee's long passphrase"

#: There is no policy settings page yet, so the owner's choice is made through the service:
#: five-second slots and up to three screenshots every 30 seconds, so the agent takes one soon.
QUICK_SCREENSHOTS = """
import json
from django.db import transaction
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
with transaction.atomic():
    policy = update_policy(
        company=Company.objects.get(name={company!r}),
        slot_seconds=5, screenshots_per_interval=3, screenshot_interval_seconds=30,
    )
print(json.dumps(policy.version))
"""


def _step(page: Page, number: int, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=ARTIFACTS / f"journey-{number:02d}-{name}.png", full_page=True)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_new_company_from_sign_up_to_cancellation(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server") as stack, chromium() as browser:
        _journey(tmp_path, stack, browser)


def _journey(tmp_path: Path, stack: Stack, browser: Browser) -> None:
    server, smtp = stack.server, stack.smtp
    database = Database(stack.env)
    media = Path(stack.env["WORKLENS_DATA_DIR"]) / "media"

    # Sign up: name, e-mail, password.
    owner = browser.new_context(viewport=DESKTOP).new_page()
    owner.goto(f"{server.url}/accounts/signup/")
    owner.fill('input[name="full_name"]', "Olga Owner")
    owner.fill('input[name="email"]', OWNER_EMAIL)
    owner.fill('input[name="password1"]', OWNER_PASSWORD)
    owner.fill('input[name="password2"]', OWNER_PASSWORD)
    _step(owner, 1, "signup")
    owner.click('main form button[type="submit"]')
    expect(owner).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    _step(owner, 2, "check-your-email")

    # The verification e-mail and its link.
    [verification] = smtp.wait_for(OWNER_EMAIL, timeout=60)
    owner.goto(link_in(text_body(verification), "/accounts/confirm-email/"))
    owner.click('main form button[type="submit"]')
    expect(owner).to_have_url(re.compile(r"/company/new/$"))

    # The company, with an EU VAT number that passes its country's check.
    owner.fill('input[name="name"]', COMPANY)
    owner.fill('textarea[name="address"]', "Hafenstraße 7\n20457 Hamburg")
    owner.fill('input[name="phone"]', "+49 40 1234567")
    owner.select_option('select[name="country"]', "DE")
    owner.fill('input[name="vat_number"]', "DE136695976")
    _step(owner, 3, "create-company")
    owner.click('main form button[type="submit"]')
    expect(owner).to_have_url(re.compile(r"/team/today/$"))
    expect(owner.locator(".messages")).to_contain_text(f"{COMPANY} is set up. You are its owner.")
    _step(owner, 4, "dashboard")
    company_id = database.company_id(COMPANY)
    assert server.query(QUICK_SCREENSHOTS.format(company=COMPANY)) == 2

    # The owner invites an employee from the dashboard.
    owner.get_by_role("link", name="Members").click()
    expect(owner.locator("h1")).to_contain_text("Members")
    invite = owner.locator("#invite form")
    invite.locator("input[name=email]").fill(EMPLOYEE_EMAIL)
    invite.locator("select[name=role]").select_option("employee")
    invite.get_by_role("button", name="Send invitation").click()
    expect(owner.locator(".messages")).to_contain_text(f"Invitation sent to {EMPLOYEE_EMAIL}")
    expect(owner.locator("#invitations")).to_contain_text(EMPLOYEE_EMAIL)
    _step(owner, 5, "invitation-sent")

    # The employee, in a browser context of their own: the e-mailed link, a password, the policy.
    [invitation] = smtp.wait_for(EMPLOYEE_EMAIL, timeout=60)
    assert f"invited you to {COMPANY}" in str(invitation["Subject"])
    employee = browser.new_context(viewport=DESKTOP).new_page()
    accept_invitation(
        employee,
        link_in(text_body(invitation), "/invitations/accept/"),
        COMPANY,
        "Erik Employee",
        EMPLOYEE_PASSWORD,
    )
    collected = employee.locator("#collected")
    expect(collected).to_contain_text(
        "Screenshots: 3 screenshots of your screen at random moments in every 30 seconds"
    )
    expect(employee.locator("#never-collected")).to_contain_text(
        "Keystrokes, which keys you press, or anything you type."
    )
    _step(employee, 6, "policy-in-plain-words")
    code, command = acknowledge_policy(employee)
    assert command == f"worklens-agent enroll {server.url} {code}"
    _step(employee, 7, "enrollment-code")

    # The real agent enrolls with the code shown, then tracks until a screenshot is stored.
    company_shots = media / "screenshots" / str(company_id)
    with virtual_desktop(tmp_path / "bin") as desktop:
        agent = AgentProcess(
            tmp_path / "agent",
            {"DISPLAY": desktop.display, "WORKLENS_SCREENSHOT_HOLD_SECONDS": "2"},
        )
        program, *args = shlex.split(command)
        assert program == "worklens-agent"
        agent.cli(*args)
        agent.cli("start", "--notes", "first day")
        agent.start_run()
        try:
            steps = itertools.count()

            def stored_while_in_use() -> bool:
                # Someone at the computer: an image taken after the last input could still turn
                # out to be idle time, and waits (like its record) until input follows it.
                desktop.type_and_move(next(steps))
                return bool(_files(company_shots))

            wait_until(
                stored_while_in_use,
                timeout=90,
                what="a screenshot file of the company on the server's disk",
            )
            agent.cli("stop")
            agent.wait_until_sent()
            agent.kill_run(signal.SIGTERM)
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
    employee.get_by_role("link", name="Devices", exact=True).click()
    devices = employee.locator("#my-devices tbody tr")
    expect(devices).to_have_count(1)
    expect(devices).to_contain_text(platform.node())
    expect(devices).not_to_contain_text("never")
    _step(employee, 8, "employee-devices")

    # The owner turns on TOTP two-factor authentication; the recovery codes are shown.
    owner.get_by_role("link", name="Two-factor authentication").click()
    owner.goto(f"{server.url}/accounts/2fa/totp/activate/")
    if "/reauthenticate/" in owner.url:
        # Signed in by the verification link, not by a password: allauth asks for it first.
        owner.fill('input[name="password"]', OWNER_PASSWORD)
        owner.click('main form button[type="submit"]')
        expect(owner).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = owner.input_value("#authenticator_secret")
    _step(owner, 9, "totp-activate")
    owner.fill('input[name="code"]', totp_code(secret)[0])
    owner.click('main form button[type="submit"]')
    expect(owner).not_to_have_url(re.compile(r"/totp/activate/"))
    owner.goto(f"{server.url}/accounts/2fa/recovery-codes/")
    expect(owner.locator("main")).to_contain_text("There are 10 out of 10 recovery codes")
    codes = owner.input_value("#recovery_codes").split()
    assert len(set(codes)) == 10, codes
    assert all(re.fullmatch(r"[0-9a-z]{6,}", code) for code in codes), codes
    _step(owner, 10, "recovery-codes")
    smtp.wait_for_subject(OWNER_EMAIL, "Authenticator App Activated", timeout=60)

    # The owner changes the password; the confirmation e-mail arrives.
    owner.get_by_role("link", name="Change password").click()
    owner.fill('input[name="oldpassword"]', OWNER_PASSWORD)
    owner.fill('input[name="password1"]', OWNER_NEW_PASSWORD)
    owner.fill('input[name="password2"]', OWNER_NEW_PASSWORD)
    owner.click('main form button[type="submit"]')
    changed = smtp.wait_for_subject(OWNER_EMAIL, "Password Changed", timeout=60)
    assert "your password has been changed" in text_body(changed).lower()

    # What the company and the two people hold before the cancellation (so the test can fail).
    user_ids = database.user_ids([OWNER_EMAIL, EMPLOYEE_EMAIL])
    assert len(user_ids) == 2
    before = database.rows_referring_to(COMPANY_TABLE, [company_id])
    assert before[f"{COMPANY_TABLE}.id"] == 1
    assert before["companies_member.company_id"] == 2, before
    assert before["tracking_screenshot.company_id"] >= 1, before
    assert before["devices_device.company_id"] == 1, before
    assert before["policies_policyacknowledgement.company_id"] == 1, before
    assert before["invitations_invitation.company_id"] == 1, before
    assert before["tracking_timeentry.company_id"] >= 1, before
    people_before = database.rows_referring_to(USER_TABLE, user_ids)
    assert sum(people_before.values()) > 2, people_before
    shots_on_disk = _files(company_shots)
    assert shots_on_disk

    # The owner cancels the company, re-entering the (new) password.
    owner.locator("a.who").click()
    owner.get_by_role("link", name="Cancel the company").click()
    expect(owner.locator("h1")).to_have_text(f"Cancel {COMPANY}")
    owner.fill("input[name=password]", OWNER_NEW_PASSWORD)
    _step(owner, 11, "cancel-company")
    owner.get_by_role("button", name="Cancel the company and delete its data").click()
    expect(owner.locator("h1")).to_have_text(f"{COMPANY} was cancelled")
    expect(owner.locator(".files-deleted")).to_have_text(str(len(shots_on_disk)))
    _step(owner, 12, "cancelled")

    after = database.rows_referring_to(COMPANY_TABLE, [company_id])
    assert set(after) == set(before)
    assert {name: n for name, n in after.items() if n} == {}
    assert database.user_ids([OWNER_EMAIL, EMPLOYEE_EMAIL]) == []
    people_after = database.rows_referring_to(USER_TABLE, user_ids)
    assert {name: n for name, n in people_after.items() if n} == {}
    assert _files(company_shots) == []
    assert _files(media / "screenshots") == []
    cancelled = smtp.wait_for_subject(OWNER_EMAIL, "was cancelled", timeout=60)
    assert cancelled["Subject"] == f"{COMPANY} was cancelled and its data deleted"
    assert "Everything the company held has been deleted" in text_body(cancelled)

    # Nothing else in the database names them: the one row left is the task that delivered this
    # confirmation (`prune_db_task_results` clears finished tasks).
    task_args = "django_tasks_database_dbtaskresult.args_kwargs"
    assert database.tables_mentioning(OWNER_EMAIL) == {task_args: 1}
    assert database.tables_mentioning(COMPANY) == {task_args: 1}
    assert database.tables_mentioning(EMPLOYEE_EMAIL) == {}

    # The employee's browser is signed out: the account is gone.
    employee.reload()
    expect(employee).to_have_url(re.compile(r"/accounts/login/"))
