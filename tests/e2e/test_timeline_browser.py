"""The timeline and the screenshot gallery in a real browser, on the demo's history, for each
role: the team timeline's rows equal the team timesheet's day, a member's timeline equals their
timesheet and day page, a slot opens its details from the keyboard, the gallery holds the day's
screenshots by hour and its full-size viewer moves with the arrow keys and closes with Esc, and
every image the owner looked at is in the audit table. Page screenshots go to artifacts/.

Real parts: `seed_demo --history` (screenshots are PNGs stored through the ingest services),
`serve` and `db_worker` as processes, Debian's Chromium via Playwright, the database read with
raw SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import ARTIFACTS, chromium, log_in, needs_chromium, running_stack
from tests.e2e.database_rows import Database

pytestmark = [pytest.mark.browser, needs_chromium]

HISTORY = ("--history", "--history-team-size", "2", "--history-days", "8")
AISHA = "aisha@demo.worklens.example"


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value).replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _members(database: Database) -> dict[str, tuple[str, ZoneInfo]]:
    """Member id (32 hex digits) -> (e-mail, zone of their days)."""
    ((company_zone,),) = database.select("SELECT timezone FROM companies_company")
    return {
        str(member_id).replace("-", ""): (email, ZoneInfo(zone or company_zone))
        for member_id, email, zone in database.select(
            "SELECT m.id, u.email, u.timezone FROM companies_member m "
            "JOIN accounts_user u ON u.id = m.user_id"
        )
    }


def _busiest_day(database: Database, email: str) -> tuple[str, dt.date, int]:
    """The member's id (with dashes) and their local day with most screenshots, and how many."""
    members = _members(database)
    days: Counter[tuple[str, dt.date]] = Counter()
    for member_id, taken_at in database.select(
        "SELECT member_id, taken_at FROM tracking_screenshot"
    ):
        key = str(member_id).replace("-", "")
        if members[key][0] == email:
            days[(key, _moment(taken_at).astimezone(members[key][1]).date())] += 1
    (key, day), shots = days.most_common(1)[0]
    dashed = f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"
    return dashed, day, shots


def _timesheet_day(page: Page, url: str, day: dt.date) -> dict[str, str]:
    """The team timesheet of one day: member id -> total."""
    page.goto(f"{url}/timesheets/team/?period=range&from={day}&to={day}")
    totals = {}
    rows = page.locator("table.timesheet tbody tr")
    for n in range(rows.count()):
        link = rows.nth(n).locator("th a")
        if link.count():
            member_id = re.search(
                r"/timesheets/members/([0-9a-f-]+)/", link.get_attribute("href") or ""
            )
            assert member_id is not None
            totals[member_id.group(1)] = rows.nth(n).locator("td.line-total").inner_text().strip()
    return totals


def _timeline_rows(page: Page) -> dict[str, str]:
    rows = page.locator(".tl-member")
    return {
        rows.nth(n).get_attribute("data-member") or "": rows.nth(n)
        .locator(".row-tracked")
        .inner_text()
        .strip()
        for n in range(rows.count())
    }


def _check_team_rows(page: Page, url: str, day: dt.date) -> dict[str, str]:
    """The team timeline's rows equal the timesheet's day; who has no time shows 0:00:00."""
    sheet = _timesheet_day(page, url, day)
    page.goto(f"{url}/team/timeline/?day={day}")
    rows = _timeline_rows(page)
    assert rows, "no rows"
    for member_id, total in rows.items():
        assert total == sheet.get(member_id, "0:00:00"), (member_id, total, sheet)
    assert set(sheet) <= set(rows)
    return rows


def test_timeline_and_gallery_for_each_role(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", *HISTORY) as stack:
        server, demo = stack.server, stack.demo
        database = Database(stack.env)
        aisha_id, day, shots = _busiest_day(database, AISHA)
        assert shots > 1
        ARTIFACTS.mkdir(exist_ok=True)

        with chromium() as browser:
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            everyone = _check_team_rows(owner, server.url, day)
            assert aisha_id in everyone
            assert len(everyone) >= 5
            expect(owner.locator(".tl-member").filter(has_text="Asia/Kolkata")).to_have_count(1)
            owner.screenshot(path=str(ARTIFACTS / "timeline-team-owner.png"), full_page=True)

            # Aisha's day: the timeline's total is her day page's and her timesheet's.
            owner.goto(f"{server.url}/members/{aisha_id}/activity/?day={day}")
            tracked = owner.locator(".timeline-tracked").inner_text()
            expect(owner.locator(".totals .tracked")).to_have_text(tracked)
            assert tracked == everyone[aisha_id]
            slot = owner.locator("a.tl-bar.slot").first
            slot.focus()
            owner.keyboard.press("Enter")
            expect(owner.locator("#slot-details .slot-activity")).to_be_visible()
            expect(owner.locator("#slot-details")).to_contain_text("Application")
            owner.screenshot(path=str(ARTIFACTS / "timeline-member-owner.png"), full_page=True)

            # Her gallery: the day's screenshots; the viewer moves with the keys.
            owner.goto(f"{server.url}/members/{aisha_id}/gallery/?day={day}")
            expect(owner.locator("li.gallery-shot")).to_have_count(shots)
            owner.screenshot(path=str(ARTIFACTS / "gallery-member-owner.png"), full_page=True)
            owner.locator("a.gallery-open").first.click()
            viewer = owner.locator("dialog#viewer")
            expect(viewer).to_be_visible()
            expect(owner.locator("#viewer-caption")).to_contain_text("(1 of")
            owner.wait_for_function("document.getElementById('viewer-image').complete")
            owner.keyboard.press("ArrowRight")
            expect(owner.locator("#viewer-caption")).to_contain_text("(2 of")
            owner.wait_for_function("document.getElementById('viewer-image').complete")
            owner.screenshot(path=str(ARTIFACTS / "gallery-viewer-owner.png"))
            owner.keyboard.press("ArrowLeft")
            expect(owner.locator("#viewer-caption")).to_contain_text("(1 of")
            owner.keyboard.press("Escape")
            expect(viewer).to_be_hidden()
            owner.wait_for_timeout(500)  # the last image request reaches the server
            ((full,),) = database.select(
                "SELECT COUNT(*) FROM privacy_screenshotaccess WHERE variant = {p}", ["full"]
            )
            assert full >= 2  # the first, the second, the first again (a cached one is not)

            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            team = _check_team_rows(manager, server.url, day)
            assert aisha_id not in team
            assert len(team) == 2
            manager.goto(f"{server.url}/team/gallery/?day={day}")
            expect(manager.locator("main")).not_to_contain_text("Aisha")
            manager.screenshot(path=str(ARTIFACTS / "gallery-team-manager.png"), full_page=True)
            manager.goto(f"{server.url}/team/timeline/?day={day}")
            manager.screenshot(path=str(ARTIFACTS / "timeline-team-manager.png"), full_page=True)

            employee = log_in(browser, server, demo["employee_email"], demo["employee_password"])
            employee.goto(f"{server.url}/team/timeline/?day={day}")
            own = _timeline_rows(employee)
            assert len(own) == 1
            (own_id,) = own
            employee.goto(
                f"{server.url}/timesheets/members/{own_id}/?period=range&from={day}&to={day}"
            )
            expect(employee.locator("table.timesheet tfoot .sheet-total")).to_have_text(own[own_id])
            employee.goto(f"{server.url}/account/collected/?day={day}")
            expect(employee.locator(".timeline-tracked")).to_have_text(own[own_id])
            expect(employee.locator(".totals .tracked")).to_have_text(own[own_id])
            employee.screenshot(
                path=str(ARTIFACTS / "timeline-collected-employee.png"), full_page=True
            )
            refused = employee.goto(f"{server.url}/members/{aisha_id}/gallery/?day={day}")
            assert refused is not None
            assert refused.status == 404
