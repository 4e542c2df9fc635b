"""Weeks start on the company's first weekday (Monday, Sunday or Saturday): the week a page shows,
its neighbours and "this week", in each member's own days, across a change of the clocks too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from changes_kit import client_of, grid, set_first_weekday
from django.test import Client
from server_testkit import EnrolledDevice, World
from time_machine import TimeMachineFixture
from tracked_week import at, track_entry

from worklens_server.companies.models import Member
from worklens_server.timesheets.periods import week_of

pytestmark = pytest.mark.django_db


def _page(client: Client, member: Member, query: str = "") -> str:
    return str(client.get(f"/timesheets/members/{member.pk}/?{query}").content.decode())


def _shown(page: str) -> tuple[str, str, str]:
    """The period's title and the queries of its previous and next links."""
    title = re.search(r'<strong class="period">([^<]+)</strong>', page)
    before = re.search(r'href="\?([^"]+)" rel="prev"', page)
    after = re.search(r'href="\?([^"]+)" rel="next"', page)
    assert title
    assert before
    assert after
    return title[1], before[1].replace("&amp;", "&"), after[1].replace("&amp;", "&")


@pytest.mark.parametrize(
    ("weekday", "first", "title"),
    [
        ("0", "2026-06-15", "15 Jun 2026 to 21 Jun 2026"),
        ("6", "2026-06-14", "14 Jun 2026 to 20 Jun 2026"),
        ("5", "2026-06-13", "13 Jun 2026 to 19 Jun 2026"),
    ],
)
def test_this_week_and_its_neighbours_start_on_the_first_weekday(
    world: World, weekday: str, first: str, title: str
) -> None:
    set_first_weekday(world, weekday)
    employee = client_of(world.employee)
    start = dt.date.fromisoformat(first)
    before = (start - dt.timedelta(days=7)).isoformat()
    after = (start + dt.timedelta(days=7)).isoformat()

    this_week = _page(employee, world.employee)  # today is Wednesday 17 June
    any_day = _page(employee, world.employee, f"period=week&date={after}")

    assert _shown(this_week) == (
        title,
        f"period=week&date={before}",
        f"period=week&date={after}",
    )
    assert _shown(any_day)[0].startswith(f"{int(after[-2:])} Jun 2026 to ")
    header = grid(this_week)[0]
    assert header[1] == f"{start:%a} {start.day} Jun"
    assert len(header) == 1 + 7 + 2  # the seven days, the total and the activity
    for offset in range(7):  # every day of a week belongs to the week of its first day
        day = start + dt.timedelta(days=offset)
        assert week_of(day, starts_on=int(weekday)).start == start
    team = client_of(world.owner).get("/timesheets/team/").content.decode()
    assert _shown(team)[0] == title
    last = (start + dt.timedelta(days=6)).isoformat()
    for path in (f"members/{world.employee.pk}", "team"):
        exported = client_of(world.owner).get(f"/timesheets/{path}/export.csv")
        assert exported["Content-Disposition"].endswith(f'-{first}-{last}.csv"')
        header = next(line for line in exported.content.decode().splitlines() if first in line)
        assert header.split(",").index(first) + 6 == header.split(",").index(last)


def test_a_member_in_another_zone_has_weeks_of_their_own_days(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    """Sunday 14 June 02:00 UTC is already Sunday in Berlin (the company) but still Saturday
    evening in Los Angeles (the employee's own zone): with Sunday weeks it lies in different
    weeks for the two zones."""
    set_first_weekday(world, "6")
    user = world.employee.user
    user.timezone = "America/Los_Angeles"
    user.save(update_fields=["timezone"])
    track_entry(api, device, at(dt.date(2026, 6, 14), 2), 30)
    employee = client_of(world.employee)

    last_week = grid(_page(employee, world.employee, "period=week&date=2026-06-10"))
    this_week = grid(_page(employee, world.employee, "period=week&date=2026-06-17"))

    assert last_week[0][1:8] == [f"{d} {n} Jun" for d, n in zip(_DAYS, range(7, 14), strict=True)]
    assert last_week[-1][7:9] == ["0:30:00", "0:30:00"]  # Saturday 13 June, and the total
    assert this_week[-1][8] == "0:00:00"

    # Weekly approval is of their days too: the approved week of 7-13 June locks Saturday
    # evening in Los Angeles, not the Sunday after it.
    assert employee.post("/timesheets/weeks/submit/", {"week": "2026-06-10"}).status_code == 302
    week = world.employee.timesheet_weeks.get()
    assert week.week_start == dt.date(2026, 6, 7)
    client_of(world.manager).post(
        "/timesheets/weeks/decide/", {"week": str(week.pk), "action": "approve"}
    )
    locked = employee.post(
        "/timesheets/changes/add/?period=week&date=2026-06-07",
        {"started_at": "2026-06-13T20:00", "ended_at": "2026-06-13T21:00", "reason": "call"},
    )
    assert "The week of Sun 07 Jun 2026 is approved and locked" in locked.content.decode()
    free = employee.post(
        "/timesheets/changes/add/?period=week&date=2026-06-14",
        {"started_at": "2026-06-14T08:00", "ended_at": "2026-06-14T09:00", "reason": "call"},
    )
    assert free.status_code == 302
    assert world.employee.time_changes.count() == 1


_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def test_a_sunday_week_across_the_end_of_summer_time_holds_its_own_days(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    """Berlin's clocks go back on Sunday 25 October 2026: that Sunday week holds 169 hours, from
    Saturday 22:00 UTC (midnight in summer time) to Saturday 31 October 23:00 UTC (midnight in
    winter time). Time on either side of both edges falls in the right week."""
    time_machine.move_to(dt.datetime(2026, 11, 4, 12, 0, tzinfo=dt.UTC))
    set_first_weekday(world, "6")
    edges = {
        "before": dt.datetime(2026, 10, 24, 21, 30, tzinfo=dt.UTC),  # Sat 23:30 summer time
        "first": dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC),  # Sun 00:00 summer time
        "last": dt.datetime(2026, 10, 31, 22, 30, tzinfo=dt.UTC),  # Sat 23:30 winter time
        "after": dt.datetime(2026, 10, 31, 23, 0, tzinfo=dt.UTC),  # Sun 1 Nov 00:00
    }
    minutes = {"before": 5, "first": 10, "last": 20, "after": 40}
    for name, start in edges.items():
        track_entry(api, device, start, minutes[name])
    owner = client_of(world.owner)

    def totals(day: str) -> list[str]:
        return grid(_page(owner, world.employee, f"period=week&date={day}"))[-1]

    previous, dst_week, following = totals("2026-10-20"), totals("2026-10-28"), totals("2026-11-02")

    assert previous[7:9] == ["0:05:00", "0:05:00"]  # Saturday 24 October
    assert dst_week[1] == "0:10:00"
    assert dst_week[7] == "0:20:00"
    assert dst_week[8] == "0:30:00"
    assert following[1:2] + following[8:9] == ["0:40:00", "0:40:00"]  # Sunday 1 November
    team = client_of(world.owner).get("/timesheets/team/?period=week&date=2026-10-25")
    assert _shown(team.content.decode())[0] == "25 Oct 2026 to 31 Oct 2026"


def test_what_the_rows_say_about_the_days(world: World, week: dict[str, Any]) -> None:
    """The tracked Monday and Tuesday of the fixture sit in the Saturday week's third and fourth
    columns."""
    set_first_weekday(world, "5")
    rows = {row[0]: row for row in grid(_page(client_of(world.employee), world.employee))}
    assert rows["Total"][3:5] == ["0:45:00", "0:45:00"]
    assert rows["Total"][8] == "1:30:00"
