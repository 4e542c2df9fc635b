"""The demo's history in a real browser, beside time from the agent path: the owner, the
Product team's manager and an employee open Team today, last week's timesheets, a member's day
and the approvals, and every figure equals what the test sums from the raw rows in the server's
database (slots, approved changes, idle marks, screenshots), in each member's own time zone
(the history has a member in Kolkata).

Real parts: `worklens-server seed_demo --history` (the history goes through the ingest and
timesheets services), `serve` and `db_worker` as processes, the agent API over HTTP, Debian's
Chromium via Playwright, the database read with raw SQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.agent_api import enroll, projects, upload
from tests.e2e.browser import ARTIFACTS, chromium, log_in, needs_chromium, running_stack
from tests.e2e.database_rows import Database
from worklens_server.formatting import clock
from worklens_wire import new_id
from worklens_wire.v1 import TimeEntry

pytestmark = [pytest.mark.browser, needs_chromium]

HISTORY = ("--codes", "1", "--history", "--history-team-size", "2", "--history-days", "8")
PRODUCT = {"manager@demo.worklens.example", "employee@demo.worklens.example"}
SUPPORT = {"hannah@demo.worklens.example", "aisha@demo.worklens.example"}


@dataclass
class Week:
    """One member's week as summed from raw rows, in seconds."""

    tracked: int = 0
    manual: int = 0
    trimmed: int = 0
    idle_kept: int = 0
    idle_discarded: int = 0
    shots_by_day: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return self.tracked + self.manual - self.trimmed


def _moment(value: Any) -> dt.datetime:
    """A timestamp as either database returns it (SQLite: text in UTC)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value).replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _raw_weeks(database: Database, monday: dt.date, company_zone: str) -> dict[str, Week]:
    """Each member's week from `monday` in their own zone, by e-mail, from the raw rows. The
    history's changes never overlap tracked time (forgotten time lies before the day's first
    entry, trims inside one), so tracked + added - trimmed is what the week counts."""
    members = {
        str(member_id).replace("-", ""): (email, ZoneInfo(zone or company_zone))
        for member_id, email, zone in database.select(
            "SELECT m.id, u.email, u.timezone FROM companies_member m "
            "JOIN accounts_user u ON u.id = m.user_id"
        )
    }
    weeks: dict[str, Week] = defaultdict(Week)

    def in_week(member_id: Any, moment: Any) -> tuple[Week, dt.date] | None:
        email, zone = members[str(member_id).replace("-", "")]
        day = _moment(moment).astimezone(zone).date()
        return (weeks[email], day) if monday <= day < monday + dt.timedelta(days=7) else None

    for member_id, started_at, seconds, idle in database.select(
        "SELECT s.member_id, s.started_at, s.length_seconds, e.idle "
        "FROM tracking_activityslot s JOIN tracking_timeentry e ON e.id = s.time_entry_id"
    ):
        if found := in_week(member_id, started_at):
            found[0].tracked += seconds
            found[0].idle_kept += seconds if idle == "kept" else 0
    for member_id, started_at, stopped_at in database.select(
        "SELECT member_id, started_at, stopped_at FROM tracking_timeentry WHERE idle = {p}",
        ["discarded"],
    ):
        if found := in_week(member_id, started_at):
            found[0].idle_discarded += int(
                (_moment(stopped_at) - _moment(started_at)).total_seconds()
            )
    for member_id, kind, started_at, ended_at in database.select(
        "SELECT member_id, kind, started_at, ended_at FROM timesheets_timechange "
        "WHERE status = {p}",
        ["approved"],
    ):
        if found := in_week(member_id, started_at):
            seconds = int((_moment(ended_at) - _moment(started_at)).total_seconds())
            if kind == "add":
                found[0].manual += seconds
            else:
                found[0].trimmed += seconds
    for member_id, taken_at in database.select(
        "SELECT member_id, taken_at FROM tracking_screenshot"
    ):
        if found := in_week(member_id, taken_at):
            found[0].shots_by_day[found[1]] += 1
    return weeks


def _cell(row: Locator, name: str) -> str:
    """A cell's text without the minus sign a trim is shown with."""
    return " ".join(row.locator(f"td.{name}").inner_text().split()).lstrip("\u2212")


def _check_week_rows(page: Page, weeks: dict[str, Week], emails: set[str]) -> None:
    """Each of `emails` has a row whose cells equal their raw week; nobody else has one."""
    rows = page.locator("table.timesheet tbody tr")
    shown = {email for email in weeks if rows.filter(has_text=email).count()}
    assert shown == {e for e in emails if weeks[e].total}, shown
    for email in emails:
        row, week = rows.filter(has_text=email), weeks[email]
        assert _cell(row, "line-total") == clock(week.total), email
        assert _cell(row, "manual") == (clock(week.manual) if week.manual else ""), email
        assert _cell(row, "trimmed") == (clock(week.trimmed) if week.trimmed else ""), email
        assert _cell(row, "idle-kept") == (clock(week.idle_kept) if week.idle_kept else "")
        assert _cell(row, "idle-discarded") == (
            clock(week.idle_discarded) if week.idle_discarded else ""
        ), email


def test_the_demo_history_beside_agent_time_for_each_role(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", *HISTORY) as stack:
        server, demo = stack.server, stack.demo
        database = Database(stack.env)
        # Today's time, from the agent path: the history ends yesterday.
        token, device_id = enroll(server.url, demo["enrollment_codes"][0], "emmas-desktop")
        website = projects(server.url, token)["Website relaunch"]
        now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        started = max(now - dt.timedelta(minutes=17), now.replace(hour=0, minute=0))
        today = TimeEntry(
            id=new_id(),
            started_at=started,
            stopped_at=started + max(now - started - dt.timedelta(minutes=2), dt.timedelta(0)),
            project_id=uuid.UUID(website["id"]),
            task_id=uuid.UUID(website["tasks"]["Review"]["id"]),
        )
        upload(server.url, token, device_id, today)
        today_seconds = database.total(
            "tracking_activityslot", "length_seconds", "time_entry_id", [today.id]
        )

        monday = now.date() - dt.timedelta(days=now.date().weekday() + 7)
        weeks = _raw_weeks(database, monday, "UTC")
        assert all(weeks[email].tracked > 0 for email in PRODUCT | SUPPORT)
        assert any(week.manual for week in weeks.values())
        assert any(week.idle_discarded for week in weeks.values())
        ((pending,),) = database.select(
            "SELECT COUNT(*) FROM timesheets_timechange WHERE status = {p}", ["pending"]
        )
        ((emma_pending,),) = database.select(
            "SELECT COUNT(*) FROM timesheets_timechange c JOIN companies_member m "
            "ON m.id = c.member_id JOIN accounts_user u ON u.id = m.user_id "
            "WHERE c.status = {p} AND u.email = {p}",
            ["pending", "employee@demo.worklens.example"],
        )
        week_url = f"{server.url}/timesheets/team/?period=week&date={monday}"
        ARTIFACTS.mkdir(exist_ok=True)

        with chromium() as browser:
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            emma = owner.locator("tr[data-member]").filter(has_text="employee@demo")
            expect(emma.locator(".tracked")).to_contain_text(clock(today_seconds))
            expect(owner.locator("tr[data-member]").filter(has_text="aisha@demo")).to_have_count(1)
            owner.goto(week_url)
            _check_week_rows(owner, weeks, PRODUCT | SUPPORT)
            owner.screenshot(path=str(ARTIFACTS / "demo-team-week-owner.png"), full_page=True)
            # Aisha's busiest day of the week, on her day page: the screenshots it shows are
            # the ones taken on that day in Kolkata.
            aisha = weeks["aisha@demo.worklens.example"]
            day, shots = max(aisha.shots_by_day.items(), key=lambda item: item[1])
            owner.locator("table.timesheet tbody tr").filter(has_text="aisha@demo").get_by_role(
                "link"
            ).click()
            member_path = owner.url.split("/timesheets/members/")[1].split("/")[0]
            owner.goto(f"{server.url}/members/{member_path}/activity/?day={day}")
            expect(owner.locator("img[alt^='Screenshot at']")).to_have_count(shots)
            owner.goto(f"{server.url}/timesheets/approvals/")
            expect(owner.locator("tr.change")).to_have_count(pending)

            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            expect(manager.locator("tr[data-member]").filter(has_text="aisha@demo")).to_have_count(
                0
            )
            manager.goto(week_url)
            _check_week_rows(manager, weeks, PRODUCT)
            expect(manager.locator("table.timesheet")).not_to_contain_text("aisha@demo")
            manager.goto(f"{server.url}/timesheets/approvals/")
            # The manager decides for their team's members, never for themselves.
            expect(manager.locator("tr.change")).to_have_count(emma_pending)
            expect(manager.locator("main")).not_to_contain_text("Hannah")
            expect(manager.locator("main")).not_to_contain_text("Aisha")

            employee = log_in(browser, server, demo["employee_email"], demo["employee_password"])
            employee.get_by_role("link", name="Timesheets").click()
            employee.get_by_role("link", name="← Previous").click()
            expect(employee.locator("table.timesheet tfoot .sheet-total")).to_have_text(
                clock(weeks["employee@demo.worklens.example"].total)
            )
