"""Timesheets of a member (by project and task) and of a team (by member), per day of a day, a
week or a range: the figures shown are the sums of the raw slots uploaded through the agent API,
and a viewer sees only the people they may see."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from server_testkit import NOW, EnrolledDevice, World
from tracked_week import MONDAY

from worklens_server.formatting import clock
from worklens_server.timesheets.periods import BadPeriod, parse_period
from worklens_server.tracking.models import ActivitySlot

pytestmark = pytest.mark.django_db


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def _cells(html: str) -> list[list[str]]:
    """The timesheet table's rows, as the text of their cells."""
    table = html.split('<table class="grid timesheet">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    return [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)] for r in rows
    ]


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_a_members_week_by_project_and_task_adds_up_to_the_raw_slots(
    world: World, week: dict[str, Any]
) -> None:
    page = _client(world.owner).get(f"/timesheets/members/{world.employee.pk}/").content.decode()
    assert "15 Jun 2026 to 21 Jun 2026" in page
    rows = _cells(page)
    header, website, no_project, total = rows
    assert header[1:8] == [
        "Mon 15 Jun",
        "Tue 16 Jun",
        "Wed 17 Jun",
        "Thu 18 Jun",
        "Fri 19 Jun",
        "Sat 20 Jun",
        "Sun 21 Jun",
    ]
    assert website[:3] == ["Website Design", "0:30:00", "0:45:00"]
    assert website[8:] == ["1:15:00", "50 %"]
    assert no_project[:2] == ["No project", "0:15:00"]
    raw = sum(
        ActivitySlot.objects.filter(member=world.employee).values_list("length_seconds", flat=True)
    )
    assert total[8] == clock(raw) == "1:30:00"
    assert total[1:3] == ["0:45:00", "0:45:00"]


def test_a_day_and_a_range_show_what_they_hold(world: World, week: dict[str, Any]) -> None:
    client = _client(world.employee)
    url = f"/timesheets/members/{world.employee.pk}/"
    day = _cells(client.get(url, {"period": "day", "date": "2026-06-16"}).content.decode())
    assert day[1][:2] == ["Website Design", "0:45:00"]
    assert len(day) == 3  # header, Website, total: nothing else on Tuesday
    span = {"period": "range", "from": "2026-06-14", "to": "2026-06-15"}
    two_days = _cells(client.get(url, span).content.decode())
    assert two_days[0][1:3] == ["Sun 14 Jun", "Mon 15 Jun"]
    assert two_days[-1][3] == "0:45:00"


def test_the_team_timesheet_shows_each_visible_member_per_day(
    world: World, week: dict[str, Any], api: Client, second_device: EnrolledDevice
) -> None:
    page = _client(world.manager).get("/timesheets/team/").content.decode()
    rows = _cells(page)
    names = [row[0] for row in rows[1:-1]]
    assert names == ["Eli Employee employee@acme.example", "Mia Manager manager@acme.example"]
    assert rows[1][1:3] == ["0:45:00", "0:45:00"]
    assert "loner@acme.example" not in page
    assert "owner@acme.example" not in page
    team = _cells(_client(world.owner).get(f"/timesheets/teams/{world.team.pk}/").content.decode())
    assert [row[0] for row in team[1:-1]] == names
    everyone = _cells(_client(world.owner).get("/timesheets/team/").content.decode())
    assert len(everyone) == 2 + 4  # the owner sees the whole company


def test_timesheets_start_where_each_role_works(world: World) -> None:
    assert (
        _client(world.employee).get("/timesheets/")["Location"]
        == f"/timesheets/members/{world.employee.pk}/"
    )
    assert _client(world.manager).get("/timesheets/")["Location"] == "/timesheets/team/"
    assert _client(world.employee).get("/timesheets/team/").status_code == 403


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"period": "month"}, "period: 'month' is not one of day, week, range"),
        ({"period": "day", "date": "17.06.2026"}, "date: '17.06.2026' is not a date"),
        ({"period": "range", "from": "2026-06-10"}, "to: a date of the form YYYY-MM-DD is needed"),
        ({"period": "range", "from": "2026-06-10", "to": "2026-06-01"}, "is before from"),
        ({"period": "range", "from": "2026-01-01", "to": "2026-06-01"}, "at most 93 days"),
    ],
)
def test_a_period_the_page_cannot_show_is_a_clear_400(
    world: World, query: dict[str, str], problem: str
) -> None:
    response = _client(world.employee).get(f"/timesheets/members/{world.employee.pk}/", query)
    assert response.status_code == 400
    assert problem in html.unescape(response.content.decode())
    with pytest.raises(BadPeriod, match=re.escape(problem)):
        parse_period(query, today=NOW.date(), week_starts_on=0)


def test_weeks_start_on_monday_and_move_by_a_week() -> None:
    period = parse_period({"date": "2026-06-21"}, today=NOW.date(), week_starts_on=0)
    assert (period.start, period.end) == (MONDAY, dt.date(2026, 6, 21))
    assert period.previous.start == dt.date(2026, 6, 8)
    assert period.next.query == "period=week&date=2026-06-22"
