"""The timesheet pages' charts and the PDF's: hours per day equal the table's day totals, which
equal the raw slots; hours per project equal the table's lines summed per project."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chart_markup import bars
from django.test import Client
from pypdf import PdfReader
from server_testkit import World
from tracked_week import MONDAY

from worklens_server.formatting import clock
from worklens_server.tracking.models import ActivitySlot

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK_DAYS = [MONDAY + dt.timedelta(days=n) for n in range(7)]


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _raw_by_day(world: World) -> dict[dt.date, int]:
    days: dict[dt.date, int] = {}
    for started_at, seconds in ActivitySlot.objects.filter(member=world.employee).values_list(
        "started_at", "length_seconds"
    ):
        day = started_at.astimezone(BERLIN).date()
        days[day] = days.get(day, 0) + seconds
    return days


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def _table(page: str) -> tuple[list[list[str]], list[str]]:
    """The timesheet table's body rows and its total row, as the text of their cells."""
    table = page.split('<table class="grid timesheet">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    foot = table.split("<tfoot>", 1)[1]
    return [_cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)], _cells(foot)


def _seconds(text: str) -> int:
    if not text:
        return 0
    hours, minutes, seconds = (int(part) for part in text.split(":"))
    return hours * 3600 + minutes * 60 + seconds


@pytest.mark.parametrize("viewer", ["employee", "manager", "owner"])
def test_a_members_hours_per_day_are_the_tables_day_totals_and_the_raw_slots(
    world: World, week: dict[str, Any], viewer: str
) -> None:
    url = f"/timesheets/members/{world.employee.pk}/"
    page = _client(getattr(world, viewer)).get(url).content.decode()
    _, total = _table(page)
    table_days = [_seconds(cell) for cell in total[1:8]]
    raw = _raw_by_day(world)
    chart = bars(page, "hours-per-day")
    assert [label for label, _ in chart] == [f"{day:%a} {day.day}" for day in WEEK_DAYS]
    assert [value for _, value in chart] == table_days == [raw.get(day, 0) for day in WEEK_DAYS]
    assert table_days[:2] == [45 * 60, 45 * 60]  # so the comparison above compares something
    assert "0:45:00" in page.split('class="chart hours-per-day"', 1)[1].split("</svg>", 1)[0]


def test_a_members_project_split_sums_the_tables_lines_per_project(
    world: World, week: dict[str, Any]
) -> None:
    page = _client(world.manager).get(f"/timesheets/members/{world.employee.pk}/").content.decode()
    rows, _ = _table(page)
    per_project: dict[str, int] = {}
    for row in rows:
        project = row[0].split(" ")[0] if not row[0].startswith("No project") else "No project"
        per_project[project] = per_project.get(project, 0) + _seconds(row[8])
    assert bars(page, "project-split") == [("Website", 75 * 60), ("No project", 15 * 60)]
    assert dict(bars(page, "project-split")) == per_project
    raw_website = ActivitySlot.objects.filter(
        member=world.employee, time_entry__project__name="Website"
    ).values_list("length_seconds", flat=True)
    assert sum(raw_website) == per_project["Website"]


def test_a_teams_hours_per_day_over_a_range_are_its_day_totals(
    world: World, week: dict[str, Any]
) -> None:
    query = {"period": "range", "from": "2026-06-14", "to": "2026-06-30"}
    page = _client(world.owner).get(f"/timesheets/teams/{world.team.pk}/", query).content.decode()
    _, total = _table(page)
    days = [dt.date(2026, 6, 14) + dt.timedelta(days=n) for n in range(17)]
    raw = _raw_by_day(world)
    chart = bars(page, "hours-per-day")
    assert [label for label, _ in chart] == [str(day.day) for day in days]
    assert [value for _, value in chart] == [_seconds(c) for c in total[1:18]]
    assert [value for _, value in chart] == [raw.get(day, 0) for day in days]
    assert sum(value for _, value in chart) == 90 * 60


def test_a_period_without_time_says_so_in_its_chart(world: World) -> None:
    page = _client(world.employee).get(f"/timesheets/members/{world.employee.pk}/").content.decode()
    assert bars(page, "hours-per-day") == []
    assert "No time counted in this period." in page


def test_the_pdf_draws_the_hours_per_day_with_their_figures(
    world: World, week: dict[str, Any]
) -> None:
    url = f"/timesheets/members/{world.employee.pk}/export.pdf"
    response = _client(world.employee).get(url, {"period": "week", "date": "2026-06-16"})
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Hours per day" in text
    chart = text.split("Hours per day", 1)[1]  # the chart comes after the table
    raw = _raw_by_day(world)
    for day in WEEK_DAYS:
        assert f"{day:%a} {day.day}" in chart
    assert chart.count(f"{raw[MONDAY] // 3600}:{raw[MONDAY] % 3600 // 60:02d}") == 2  # Mon, Tue
    assert clock(raw[MONDAY]) not in chart  # figures of the chart, not the table's again
