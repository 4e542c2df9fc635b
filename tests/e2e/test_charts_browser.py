"""The charts in a real browser, for each role, on the demo's history: last week's hours per day
equal the timesheet's total row, the member day page draws activity over the day, the apps page
top apps and sites; screenshots of each page go to artifacts/.

Real parts: `seed_demo --history`, `serve` as a process, Debian's Chromium via Playwright.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import ARTIFACTS, chromium, log_in, needs_chromium, running_stack

pytestmark = [pytest.mark.browser, needs_chromium]

HISTORY = ("--codes", "1", "--history", "--history-team-size", "2", "--history-days", "8")


def _seconds(text: str) -> int:
    if not text.strip():
        return 0
    hours, minutes, seconds = (int(part) for part in text.strip().split(":"))
    return hours * 3600 + minutes * 60 + seconds


def _check_hours_per_day(page: Page) -> None:
    """The chart's bars hold the table's day totals, and something was counted."""
    bars = page.locator("svg.hours-per-day rect.chart-bar")
    totals = page.locator("table.timesheet tfoot td.num")
    expect(bars).to_have_count(7)
    charted = [int(bars.nth(i).get_attribute("data-value") or "") for i in range(7)]
    assert charted == [_seconds(totals.nth(i).inner_text()) for i in range(7)]
    assert sum(charted) > 0
    # As drawn: each bar's height on screen is in proportion to its figure (a page's CSS once
    # sized every rect of class "bar" to 8 px, whatever its height attribute said).
    drawn = [bars.nth(i).bounding_box() for i in range(7)]
    tallest = max(range(7), key=lambda i: charted[i])
    top = drawn[tallest]
    assert top is not None
    assert top["height"] > 50, top
    for value, box in zip(charted, drawn, strict=True):
        assert box is not None
        assert abs(box["height"] - top["height"] * value / charted[tallest]) < 2, (value, box)


def _shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"charts-{name}.png"), full_page=True)


def test_the_charts_for_each_role(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", *HISTORY) as stack:
        server, demo = stack.server, stack.demo
        today = dt.datetime.now(dt.UTC).date()
        monday = today - dt.timedelta(days=today.weekday() + 7)
        week = f"period=week&date={monday}"
        friday = monday + dt.timedelta(days=4)  # a working day of the history
        ARTIFACTS.mkdir(exist_ok=True)
        with chromium() as browser:
            for role in ("owner", "manager", "employee"):
                page = log_in(browser, server, demo[f"{role}_email"], demo[f"{role}_password"])
                expect(page.locator("nav.subnav a[aria-current=page]")).to_have_text("Team today")
                page.locator("nav.subnav").get_by_role("link", name="Timeline").click()
                expect(page.locator("nav.subnav a[aria-current=page]")).to_have_text("Timeline")
                if role == "employee":
                    page.get_by_role("link", name="Timesheets").first.click()
                    page.goto(page.url.split("?")[0] + f"?{week}")
                    expect(page.locator("svg.project-split rect.chart-bar").first).to_be_visible()
                else:
                    page.goto(f"{server.url}/timesheets/team/?{week}")
                _check_hours_per_day(page)
                _shoot(page, f"timesheet-{role}")
                member = page.url.split("/timesheets/members/")[-1].split("/")[0]
                if role != "employee":
                    page.locator("table.timesheet tbody tr th a").first.click()
                    member = page.url.split("/timesheets/members/")[1].split("/")[0]
                page.goto(f"{server.url}/members/{member}/activity/?day={friday}")
                expect(page.locator("svg.activity-per-hour rect.chart-bar")).to_have_count(24)
                _shoot(page, f"member-day-{role}")
                page.get_by_role("link", name="Apps & sites").click()
                page.goto(page.url.split("?")[0] + f"?{week}")
                expect(page.locator("svg.top-apps rect.chart-bar").first).to_be_visible()
                _shoot(page, f"apps-{role}")
