"""Every page of a manager's week, opened in a real browser by the owner, a team's manager and
an employee, over data uploaded through the agent API: each figure shown, and each file
downloaded (XLSX opened with openpyxl, PDF read with pypdf), equals the sum of the raw slots in
the server's database; what a role may not see is not on its pages and its URLs are refused.

The company: the demo's team (manager@ manages it, Emma Employee is in it) and a second team,
Support, with Employee 2 and no manager. Emma tracked an hour on Monday of last week and twenty
minutes today (with a browser span); Employee 2 forty-five minutes on Tuesday of last week.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent API over HTTP with
the wire models, Debian's Chromium via Playwright, the database read with raw SQL.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.agent_api import enroll, projects, upload
from tests.e2e.browser import chromium, log_in, needs_chromium, running_stack
from tests.e2e.database_rows import Database
from worklens_server.formatting import clock
from worklens_wire import new_id
from worklens_wire.v1 import TimeEntry

pytestmark = [pytest.mark.browser, needs_chromium]

SUPPORT_TEAM = """
import json
from worklens_server.companies.models import Company, Member, Team
from worklens_server.companies.services import add_team_member, create_team
company = Company.objects.get(name="WorkLens Demo")
two = Member.objects.get(company=company, user__email="employee2@demo.worklens.example")
Team.objects.get(company=company, name="Demo team").memberships.filter(member=two).delete()
support = create_team(company=company, name="Support")
add_team_member(team=support, member=two)
emma = Member.objects.get(company=company, user__email="employee@demo.worklens.example")
print(json.dumps({"emma": str(emma.pk), "two": str(two.pk), "support": str(support.pk)}))
"""


def _entry(
    start: dt.datetime, minutes: int, project: dict[str, Any] | None, task: str
) -> TimeEntry:
    return TimeEntry(
        id=new_id(),
        started_at=start,
        stopped_at=start + dt.timedelta(minutes=minutes),
        project_id=uuid.UUID(project["id"]) if project else None,
        task_id=uuid.UUID(project["tasks"][task]["id"]) if project else None,
    )


def _row_text(page: Page, selector: str, has_text: str) -> str:
    return " ".join(page.locator(selector).filter(has_text=has_text).inner_text().split())


def _status(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def _download(page: Page, link: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    return Path(download.value.path()).read_bytes()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_totals(data: bytes) -> dict[str, int]:
    """Each member's Total (an Excel duration, which openpyxl reads as a timedelta) in seconds,
    by e-mail, for the members with any time."""
    rows = [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    header = next(row for row in rows if row and row[0] == "Member")
    total = header.index("Total")
    return {
        row[1]: round(row[total].total_seconds())
        for row in rows[rows.index(header) + 1 :]
        if row[1] and "@" in str(row[1]) and row[total]
    }


def test_each_page_of_the_week_for_owner_manager_and_employee(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "2", "--employees", "2") as stack:
        server, demo = stack.server, stack.demo
        ids = server.query(SUPPORT_TEAM)
        emma_token, emma_device = enroll(server.url, demo["enrollment_codes"][0], "emmas-laptop")
        two_token, two_device = enroll(server.url, demo["enrollment_codes"][1], "two-desktop")
        website = projects(server.url, emma_token)["Website relaunch"]
        support = projects(server.url, two_token)["Customer support"]

        now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        today = now.date()
        monday = today - dt.timedelta(days=today.weekday() + 7)  # last week's
        nine = dt.datetime.combine(monday, dt.time(9), tzinfo=dt.UTC)
        emma_week = _entry(nine, 60, website, "Design")
        two_week = _entry(nine + dt.timedelta(days=1, hours=4), 45, support, "Tickets")
        # Today's twenty minutes end two minutes ago and never start before today's midnight.
        midnight = dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)
        started = max(now - dt.timedelta(minutes=22), midnight)
        emma_today = _entry(started, int((now - started).total_seconds() // 60) - 2, None, "")
        upload(server.url, emma_token, emma_device, emma_week)
        upload(server.url, two_token, two_device, two_week, active_seconds=30)
        if emma_today.stopped_at and emma_today.stopped_at > emma_today.started_at:
            upload(
                server.url,
                emma_token,
                emma_device,
                emma_today,
                app="firefox",
                title="Release notes",
                url="https://docs.example.com/release",
            )

        database = Database(stack.env)

        def raw(*entries: TimeEntry) -> int:
            ids_ = [entry.id for entry in entries]
            return database.total("tracking_activityslot", "length_seconds", "time_entry_id", ids_)

        emma_week_s, two_week_s, emma_today_s = raw(emma_week), raw(two_week), raw(emma_today)
        assert (emma_week_s, two_week_s) == (3600, 2700)
        week_query = f"?period=week&date={monday}"

        with chromium() as browser:
            # The owner sees both teams everywhere.
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            emma_row = owner.locator(f"tr[data-member='{ids['emma']}']")
            expect(emma_row.locator(".tracked")).to_contain_text(clock(emma_today_s))
            if emma_today_s:
                expect(emma_row.locator(".app")).to_contain_text("firefox")
            expect(owner.locator(f"tr[data-member='{ids['two']}'] .tracked")).to_contain_text(
                clock(0)
            )
            emma_row.get_by_role("link", name="Emma Employee").click()
            expect(owner.locator("h1")).to_contain_text("Emma Employee")
            expect(owner.locator(".totals .tracked")).to_have_text(clock(emma_today_s))

            owner.goto(f"{server.url}/timesheets/team/{week_query}")
            expect(owner.locator("table.timesheet tfoot")).to_contain_text(
                clock(emma_week_s + two_week_s)
            )
            assert clock(emma_week_s) in _row_text(owner, "table.timesheet tr", "Emma Employee")
            assert clock(two_week_s) in _row_text(owner, "table.timesheet tr", "Employee 2")
            assert _xlsx_totals(_download(owner, "Excel")) == {
                "employee@demo.worklens.example": emma_week_s,
                "employee2@demo.worklens.example": two_week_s,
            }
            owner.goto(f"{server.url}/timesheets/members/{ids['two']}/{week_query}")
            assert clock(two_week_s) in _pdf_text(_download(owner, "PDF"))

            owner.goto(f"{server.url}/projects/")
            assert clock(emma_week_s) in _row_text(owner, "#projects tr", "Website relaunch")
            assert clock(two_week_s) in _row_text(owner, "#projects tr", "Customer support")
            owner.get_by_role("link", name="Website relaunch").click()
            expect(owner.locator("h1")).to_contain_text("Website relaunch")
            expect(owner.locator("main")).to_contain_text(clock(emma_week_s))

            # The demo team's manager sees Emma, never Employee 2 of Support.
            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            expect(manager.locator(f"tr[data-member='{ids['emma']}'] .tracked")).to_contain_text(
                clock(emma_today_s)
            )
            expect(manager.locator(f"tr[data-member='{ids['two']}']")).to_have_count(0)
            manager.goto(f"{server.url}/timesheets/team/{week_query}")
            expect(manager.locator("table.timesheet tfoot")).to_contain_text(clock(emma_week_s))
            expect(manager.locator("table.timesheet")).not_to_contain_text("Employee 2")
            assert _xlsx_totals(_download(manager, "Excel")) == {
                "employee@demo.worklens.example": emma_week_s
            }
            manager.goto(f"{server.url}/projects/")
            assert clock(emma_week_s) in _row_text(manager, "#projects tr", "Website relaunch")
            assert clock(0) in _row_text(manager, "#projects tr", "Customer support")
            manager.goto(f"{server.url}/timesheets/approvals/")
            expect(manager.locator("h1")).to_contain_text("Waiting for approval")
            assert _status(manager, f"{server.url}/members/{ids['two']}/activity/") == 404
            assert _status(manager, f"{server.url}/timesheets/members/{ids['two']}/") == 404
            assert _status(manager, f"{server.url}/timesheets/teams/{ids['support']}/") == 404

            # Emma sees her own time, and nobody else's.
            emma = log_in(browser, server, demo["employee_email"], demo["employee_password"])
            expect(emma.locator(f"tr[data-member='{ids['two']}']")).to_have_count(0)
            emma.goto(f"{server.url}/account/collected/")
            expect(emma.locator(".totals .tracked")).to_have_text(clock(emma_today_s))
            if emma_today_s:
                expect(emma.locator("main")).to_contain_text("docs.example.com")
            emma.goto(f"{server.url}/timesheets/members/{ids['emma']}/{week_query}")
            expect(emma.locator("table.timesheet tfoot")).to_contain_text(clock(emma_week_s))
            assert clock(emma_week_s) in _pdf_text(_download(emma, "PDF"))
            assert _status(emma, f"{server.url}/timesheets/team/") == 403
            assert _status(emma, f"{server.url}/timesheets/approvals/") == 403
            assert _status(emma, f"{server.url}/members/{ids['two']}/activity/") == 404
            assert _status(emma, f"{server.url}/timesheets/members/{ids['two']}/") == 404
