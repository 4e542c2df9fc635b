"""Timesheets in a real browser, for each role, over data uploaded through the agent API: the
figures on the pages and in the downloaded CSV equal the sums of the raw slots in the server's
database.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent API spoken over HTTP
with the wire models, Debian's Chromium via Playwright, the database read with raw SQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.agent_api import enroll, projects, upload
from tests.e2e.browser import chromium, log_in, needs_chromium, running_stack
from tests.e2e.database_rows import Database
from worklens_server.formatting import clock
from worklens_wire import new_id
from worklens_wire.v1 import TimeEntry

pytestmark = [pytest.mark.browser, needs_chromium]


def _cells(page: Any, row: int) -> list[str]:
    return [
        " ".join(text.split())
        for text in page.locator("table.timesheet tr").nth(row).locator("th, td").all_inner_texts()
    ]


def test_timesheets_for_owner_manager_and_employee(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "1") as stack:
        server, demo = stack.server, stack.demo
        token, device_id = enroll(server.url, demo["enrollment_codes"][0])
        website = projects(server.url, token)["Website relaunch"]
        design = website["tasks"]["Design"]
        today = dt.datetime.now(dt.UTC).date()
        monday = today - dt.timedelta(days=today.weekday() + 7)  # last week's
        at = dt.datetime.combine(monday, dt.time(9), tzinfo=dt.UTC)
        upload(
            server.url,
            token,
            device_id,
            TimeEntry(
                id=new_id(),
                started_at=at,
                stopped_at=at + dt.timedelta(minutes=30),
                project_id=uuid.UUID(website["id"]),
                task_id=uuid.UUID(design["id"]),
            ),
        )
        tuesday = at + dt.timedelta(days=1, hours=1)
        upload(
            server.url,
            token,
            device_id,
            TimeEntry(
                id=new_id(), started_at=tuesday, stopped_at=tuesday + dt.timedelta(minutes=45)
            ),
        )
        raw = Database(stack.env).total(
            "tracking_activityslot", "length_seconds", "device_id", [device_id]
        )
        assert clock(raw) == "1:15:00"

        with chromium() as browser:
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            owner.get_by_role("link", name="Timesheets").click()
            expect(owner.locator("h1")).to_contain_text("Timesheets")
            owner.get_by_role("link", name="← Previous").click()
            expect(owner.locator(".period")).to_contain_text(f"{monday.day} {monday:%b %Y}")
            emma = next(
                row
                for row in range(owner.locator("table.timesheet tr").count())
                if "Emma Employee" in _cells(owner, row)[0]
            )
            cells = _cells(owner, emma)
            assert cells[1:3] == ["0:30:00", "0:45:00"]
            assert cells[8] == clock(raw)

            owner.get_by_role("link", name="Emma Employee").click()
            expect(owner.locator("h1")).to_contain_text("Emma Employee")
            assert _cells(owner, 1)[:2] == ["Website relaunch Design", "0:30:00"]
            assert _cells(owner, 2)[:3] == ["No project", "", "0:45:00"]
            with owner.expect_download() as download:
                owner.get_by_role("link", name="CSV").click()
            rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
            assert rows[-1][0] == "Total"
            assert rows[0][-7:-2] == ["Total", "Total hours", "Activity", "Manual", "Trimmed"]
            assert rows[0][-2:] == ["Idle kept", "Idle discarded"]
            assert rows[-1][-7] == clock(raw)

            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            manager.get_by_role("link", name="Timesheets").click()
            manager.get_by_role("link", name="← Previous").click()
            expect(manager.locator("table.timesheet")).to_contain_text("Emma Employee")
            expect(manager.locator("table.timesheet tfoot")).to_contain_text(clock(raw))

            employee = log_in(browser, server, demo["employee_email"], demo["employee_password"])
            employee.get_by_role("link", name="Timesheets").click()
            expect(employee.locator("h1")).to_contain_text("Timesheet")
            employee.get_by_role("link", name="← Previous").click()
            expect(employee.locator("table.timesheet tfoot")).to_contain_text(clock(raw))
            refused = employee.goto(f"{server.url}/timesheets/team/")
            assert refused is not None
            assert refused.status == 403
