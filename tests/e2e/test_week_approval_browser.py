"""A manager's week in a real browser. The demo employee's agent uploaded half an hour of last
week; the employee adds an hour and a half they forgot, with a reason, and submits the week. The
manager, told by e-mail, approves the change and the week on "Waiting for approval": the week's
total grows by the manual time, marked as such, and the week is locked, so the employee cannot
add time to it. The manager reopens it, and the employee can again. The database holds every
step, with who took it.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent API spoken over HTTP
with the wire models, an aiosmtpd SMTP server in this test, Debian's Chromium via Playwright.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import ARTIFACTS, chromium, link_in, log_in, needs_chromium, running_stack
from tests.e2e.processes import ServerProcess
from tests.smtp_sink import SmtpSink, text_body
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, DeviceInfo, EnrollRequest, TimeEntry, UploadBatch

pytestmark = [pytest.mark.browser, needs_chromium]

STEPS = """
import json
from worklens_server.timesheets.models import TimeChange, WeekEvent
print(json.dumps({
    "changes": list(TimeChange.objects.values_list("status", "decided_by__user__email")),
    "steps": list(WeekEvent.objects.order_by("at", "id").values_list("action", "by__user__email")),
}))
"""


def _last_tuesday() -> dt.date:
    """Tuesday of last week (the demo company's zone is UTC): wholly in the past."""
    today = dt.datetime.now(dt.UTC).date()
    return today - dt.timedelta(days=today.weekday() + 7) + dt.timedelta(days=1)


def _upload_half_an_hour(server: ServerProcess, code: str, day: dt.date) -> None:
    """What the employee's agent uploaded: 09:00 to 09:30 (UTC) of `day`, one-minute slots."""
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    device = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname="emmas-laptop",
        hardware_model="ThinkPad X1",
        os_name="Linux",
        os_version="Debian 12",
        machine_id_hash=hashlib.sha256(b"week approval").hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
    )
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
        enrolled = client.post(
            "/enroll", content=EnrollRequest(code=code, device=device).model_dump_json()
        )
        assert enrolled.status_code == 201, enrolled.text
        body = enrolled.json()
        entry = TimeEntry(
            id=new_id(), started_at=start, stopped_at=start + dt.timedelta(minutes=30)
        )
        slots = [
            ActivitySlot(
                id=new_id(),
                time_entry_id=entry.id,
                started_at=start + dt.timedelta(minutes=n),
                length_seconds=60,
                active_seconds=40,
                keyboard_events=30,
                mouse_events=60,
            )
            for n in range(30)
        ]
        batch = UploadBatch(
            batch_id=new_id(),
            device_id=body["device_id"],
            sent_at=dt.datetime.now(dt.UTC),
            time_entries=[entry],
            slots=slots,
        )
        sent = client.post(
            "/batches",
            content=batch.model_dump_json(),
            headers={"Authorization": f"Bearer {body['token']}"},
        )
        assert sent.status_code == 200, sent.text


def _total(page: Page) -> Any:
    return page.locator("table.timesheet tfoot .sheet-total")


def test_employee_adds_time_and_submits_the_manager_approves_locks_and_reopens(
    tmp_path: Path,
) -> None:
    with running_stack(tmp_path / "server", "--codes", "1") as stack:
        _run(stack.server, stack.demo, stack.smtp)


def _run(server: ServerProcess, demo: dict[str, Any], smtp: SmtpSink) -> None:
    tuesday = _last_tuesday()
    _upload_half_an_hour(server, demo["enrollment_codes"][0], tuesday)
    week_query = f"period=week&date={tuesday - dt.timedelta(days=1)}"
    ARTIFACTS.mkdir(exist_ok=True)

    with chromium() as browser:
        # The employee opens last week, adds the time they forgot and submits the week.
        employee = log_in(browser, server, demo["employee_email"], demo["employee_password"])
        employee.get_by_role("link", name="Timesheets").click()
        employee.get_by_role("link", name="Previous").click()
        expect(employee).to_have_url(f"{employee.url.split('?')[0]}?{week_query}")
        week_url = employee.url
        expect(_total(employee)).to_have_text("0:30:00")
        form = employee.locator("#add-time form")
        form.get_by_label("From").fill(f"{tuesday}T13:00")
        form.get_by_label("To").fill(f"{tuesday}T14:30")
        form.get_by_label("Project and task").select_option(label="Website relaunch · Design")
        form.get_by_label("Reason").fill("Client workshop, forgot the timer")
        form.get_by_role("button", name="Add time").click()
        expect(employee.locator(".messages")).to_contain_text(
            "Added 1:30:00. It counts once a manager approves it."
        )
        expect(_total(employee)).to_have_text("0:30:00")  # not counted while it waits
        expect(employee.locator("#changes")).to_contain_text("Waiting for approval")
        employee.locator("#week").get_by_label("Comment for your approver").fill("All there")
        employee.get_by_role("button", name="Submit this week for approval").click()
        expect(employee.locator("#week")).to_contain_text("Submitted, waiting for approval")
        employee.screenshot(path=str(ARTIFACTS / "week-submitted-employee.png"), full_page=True)

        # The manager follows the e-mail, decides the change, then approves the week.
        message = smtp.wait_for_subject(demo["manager_email"], "submitted the week", timeout=60)
        manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
        manager.goto(link_in(text_body(message), "/timesheets/approvals/"))
        expect(manager.locator("#weeks")).to_contain_text("1 change to decide first")
        change = manager.locator("#pending-changes tr.change")
        expect(change).to_contain_text("Client workshop, forgot the timer")
        change.get_by_role("textbox").fill("Thanks for saying")
        change.get_by_role("button", name="Approve").click()
        expect(change).to_contain_text("approved by Max Manager")  # swapped in place by htmx
        manager.reload()
        week_row = manager.locator("#weeks tr.week")
        expect(week_row).to_contain_text("2:00:00")
        week_row.get_by_role("textbox").fill("Good week")
        manager.screenshot(path=str(ARTIFACTS / "approvals-manager.png"), full_page=True)
        week_row.get_by_role("button", name="Approve").click()
        expect(manager.locator(".messages")).to_contain_text("is approved")
        expect(manager.locator("#weeks")).to_contain_text("No week waits for your approval")

        # The employee's week now counts the manual time, marked, and is locked.
        smtp.wait_for_subject(demo["employee_email"], "was approved", timeout=60)
        employee.goto(week_url)
        expect(_total(employee)).to_have_text("2:00:00")
        expect(employee.locator("table.timesheet")).to_contain_text("manual")
        expect(employee.locator("#week")).to_contain_text("Approved by Max Manager")
        expect(employee.locator("#week")).to_contain_text("Good week")
        expect(employee.locator("#locked")).to_be_visible()
        expect(employee.locator("#add-time")).to_have_count(0)
        employee.screenshot(path=str(ARTIFACTS / "week-approved-employee.png"), full_page=True)
        # Shown as a range, the forms are there, but the week refuses new time.
        monday, sunday = tuesday - dt.timedelta(days=1), tuesday + dt.timedelta(days=5)
        employee.goto(f"{week_url.split('?')[0]}?period=range&from={monday}&to={sunday}")
        form = employee.locator("#add-time form")
        form.get_by_label("From").fill(f"{tuesday}T16:00")
        form.get_by_label("To").fill(f"{tuesday}T17:00")
        form.get_by_label("Reason").fill("One more")
        form.get_by_role("button", name="Add time").click()
        expect(employee.locator("#add-time .errorlist")).to_contain_text("approved and locked")
        expect(_total(employee)).to_have_text("2:00:00")

        # The manager reopens the week; the employee may add time to it again.
        manager.goto(link_in(text_body(message), "/timesheets/members/"))
        manager.locator("#week").get_by_label("Comment (optional)").fill("Add Friday")
        manager.get_by_role("button", name="Reopen the week").click()
        expect(manager.locator("#week")).to_contain_text("Reopened by Max Manager")
        employee.goto(week_url)
        expect(employee.locator("#week")).to_contain_text("Add Friday")
        expect(employee.locator("#add-time form")).to_be_visible()

    rows = server.query(STEPS)
    assert rows["changes"] == [["approved", demo["manager_email"]]]
    assert rows["steps"] == [
        ["submitted", demo["employee_email"]],
        ["approved", demo["manager_email"]],
        ["reopened", demo["manager_email"]],
    ]
