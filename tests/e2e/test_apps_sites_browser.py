"""Apps and sites in a real browser, for the owner, a team's manager and an employee, over data
uploaded through the agent API: the report's times equal the raw spans in the database, the
owner labels an app in place (htmx) and marks it active without input, and the member's fair
activity and score follow; the manager overrides a label for their team; the employee sees only
their own report. Each page is saved as a screenshot under artifacts/.

The company: the demo's team (manager@ manages it, Emma Employee is in it); Employee 2 is in
no team the manager manages. Emma tracked yesterday thirty minutes in a video call without any
input, and twenty minutes on a documentation site with input.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.agent_api import enroll, upload
from tests.e2e.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    chromium,
    log_in,
    needs_chromium,
    running_stack,
)
from tests.e2e.database_rows import Database
from worklens_server.formatting import clock
from worklens_wire import new_id
from worklens_wire.v1 import TimeEntry

pytestmark = [pytest.mark.browser, needs_chromium]

IDS = """
import json
from worklens_server.companies.models import Company, Member
company = Company.objects.get(name="WorkLens Demo")
emma = Member.objects.get(company=company, user__email="employee@demo.worklens.example")
two = Member.objects.get(company=company, user__email="employee2@demo.worklens.example")
two.team_memberships.all().delete()
print(json.dumps({"emma": str(emma.pk), "two": str(two.pk)}))
"""


def _save(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"apps-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _status(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def _entry(start: dt.datetime, minutes: int) -> TimeEntry:
    return TimeEntry(
        id=new_id(), started_at=start, stopped_at=start + dt.timedelta(minutes=minutes)
    )


def _label_row(page: Page, name: str) -> object:
    return page.locator("table.labels-table tr").filter(has_text=name)


def test_apps_and_sites_for_owner_manager_and_employee(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "1", "--employees", "2") as stack:
        server, demo = stack.server, stack.demo
        ids = server.query(IDS)
        token, device = enroll(server.url, demo["enrollment_codes"][0], "emmas-laptop")
        yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        nine = dt.datetime.combine(yesterday, dt.time(9), tzinfo=dt.UTC)
        call, docs = _entry(nine, 30), _entry(nine + dt.timedelta(hours=1), 20)
        upload(server.url, token, device, call, active_seconds=0, app="zoom", title="Weekly call")
        upload(
            server.url,
            token,
            device,
            docs,
            active_seconds=45,
            app="firefox",
            title="Guide",
            url="https://www.docs.example.com/guide",
        )
        database = Database(stack.env)
        tracked = database.total(
            "tracking_activityslot", "length_seconds", "time_entry_id", [call.id, docs.id]
        )
        assert tracked == 3000  # the span of each entry is as long as its slots
        days = f"?period=range&from={yesterday - dt.timedelta(days=1)}&to={yesterday}"
        report = f"{server.url}/apps/members/{ids['emma']}/{days}"

        with chromium() as browser:
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            owner.get_by_role("link", name="Apps & sites").click()
            expect(owner.locator("h1")).to_contain_text("Apps and sites")
            owner.goto(f"{server.url}/apps/everyone/{days}")
            apps = owner.locator("table.apps-table")
            expect(apps.locator("tr").filter(has_text="zoom")).to_contain_text(clock(1800))
            expect(apps.locator("tr").filter(has_text="docs.example.com")).to_contain_text(
                clock(1200)
            )
            _save(owner, "everyone-owner")

            owner.goto(f"{server.url}/apps/labels/")
            row = _label_row(owner, "zoom")
            row.locator("select[name=productivity]").select_option("productive")
            row.locator("input[name=active_without_input]").check()
            row.get_by_role("button", name="Save").click()
            expect(_label_row(owner, "zoom").locator(".saved")).to_be_visible()
            _save(owner, "labels-owner")

            owner.goto(report)
            scores = owner.locator("table.scores-table tr").filter(
                has_text=yesterday.strftime("%d %b")
            )
            expect(scores.locator(".score")).to_have_text("60%")  # 1800 of 3000 s
            activity = owner.locator("table.activity-table tfoot")
            expect(activity.locator("th").nth(2)).to_have_text("90%")  # fair: 1800 + 900
            expect(activity.locator("th").nth(3)).to_have_text("30%")  # input: 900
            expect(activity.locator("th").nth(4)).to_have_text("60%")  # from the marked call
            expect(scores).to_contain_text(clock(tracked))
            _save(owner, "member-owner")
            owner.locator("table.activity-table a").first.click()
            expect(owner.locator(".fair-activity")).to_have_text("90\u00a0%")
            expect(owner.locator(".totals .activity")).to_have_text("30\u00a0%")

            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            manager.goto(f"{server.url}/apps/labels/")
            expect(manager.locator("h1")).to_contain_text("the team's overrides")
            row = _label_row(manager, "docs.example.com")
            row.locator("select[name=productivity]").select_option("unproductive")
            row.get_by_role("button", name="Save").click()
            expect(_label_row(manager, "docs.example.com").locator(".saved")).to_be_visible()
            _save(manager, "labels-manager")
            manager.goto(report)
            expect(manager.locator("table.apps-table tr").filter(has_text="docs")).to_contain_text(
                "unproductive"
            )
            _save(manager, "member-manager")
            assert _status(manager, f"{server.url}/apps/members/{ids['two']}/") == 404

            emma = log_in(browser, server, demo["employee_email"], demo["employee_password"])
            emma.get_by_role("link", name="Apps & sites").click()
            expect(emma.locator("h1")).to_contain_text("Emma Employee")
            emma.goto(report)
            expect(emma.locator("table.activity-table tfoot th").nth(2)).to_have_text("90%")
            _save(emma, "member-employee")
            assert _status(emma, f"{server.url}/apps/everyone/") == 403
            assert _status(emma, f"{server.url}/apps/labels/") == 403
            assert _status(emma, f"{server.url}/apps/members/{ids['two']}/") == 404
