"""Changes land on local days as slots do: a trim of a slot across local midnight takes from each
day what that day counted, an add across midnight counts on both days (and a stretch across the
night of Sunday touches two weeks, each of which may be locked), and a day the clocks go forward
counts the hours it holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from changes_kit import add_time, client_of, decide, grid, local, section, trim
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry

from worklens_server.formatting import clock
from worklens_server.timesheets.models import TimeChange, TimesheetWeek
from worklens_server.tracking.models import EntryDayRollup, MemberDayRollup

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY = dt.date(2026, 6, 15), dt.date(2026, 6, 16)


def _sheet(client: Client, member: Any, query: dict[str, str]) -> dict[str, list[str]]:
    page = client.get(f"/timesheets/members/{member.pk}/", query).content.decode()
    return {row[0]: row for row in grid(page)}


def test_a_trim_across_local_midnight_takes_from_each_day_what_it_counted(
    world: World, api: Client, device: EnrolledDevice
) -> None:
    start = local("2026-06-15 23:55")
    entry = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=10))
    night = slot(entry.id, started_at=start, length_seconds=600, active_seconds=300)
    sent = post_batch(api, device, batch(device, time_entries=[entry], slots=[night]))
    assert sent.status_code == 200
    rollups = dict(MemberDayRollup.objects.values_list("day", "tracked_seconds"))
    assert rollups == {MONDAY: 300, TUESDAY: 300}
    employee = client_of(world.employee)

    trim(employee, str(entry.id), "2026-06-15 23:58", "2026-06-16 00:03")
    decide(client_of(world.manager), list(TimeChange.objects.all()))

    rows = _sheet(
        employee, world.employee, {"period": "range", "from": "2026-06-15", "to": "2026-06-16"}
    )
    line = rows["No project edited"]
    assert line[1:3] == [clock(300 - 120), clock(300 - 180)]
    assert line[3:] == [clock(300), "", "\u2212" + clock(300), "50 %"]
    assert set(EntryDayRollup.objects.values_list("tracked_seconds", flat=True)) == {300}
    for day, kept, taken in (("2026-06-15", 180, 120), ("2026-06-16", 120, 180)):
        page = employee.get("/account/collected/", {"day": day}).content.decode()
        assert f"{clock(kept)} 50" in section(page, "timesheet")
        assert f"edited {clock(taken)} trimmed" in section(page, "timesheet")


def test_added_time_across_the_night_of_sunday_touches_two_weeks(
    world: World, week: dict[str, Any]
) -> None:
    employee = client_of(world.employee)
    add_time(employee, "2026-06-14 23:00", "2026-06-15 01:00", reason="deploy")
    decide(client_of(world.owner), list(TimeChange.objects.all()))

    this_week = _sheet(employee, world.employee, {"period": "week", "date": "2026-06-15"})
    last_week = _sheet(employee, world.employee, {"period": "week", "date": "2026-06-08"})
    assert this_week["No project manual"][1] == "1:00:00"
    assert last_week["No project manual"][7] == "1:00:00"  # Sunday 14 June

    employee.post("/timesheets/weeks/submit/", {"week": "2026-06-15"})
    client_of(world.manager).post(
        "/timesheets/weeks/decide/",
        {"week": str(TimesheetWeek.objects.get().pk), "action": "approve"},
    )
    refused = add_time(employee, "2026-06-14 21:00", "2026-06-15 02:00", reason="longer")
    assert "The week of Mon 15 Jun 2026 is approved and locked" in refused.content.decode()
    assert add_time(employee, "2026-06-14 21:00", "2026-06-14 23:00").status_code == 302


def test_the_day_the_clocks_go_forward_counts_the_hours_it_holds(
    world: World, week: dict[str, Any]
) -> None:
    """29 March 2026 in Berlin: 01:00 to 04:00 on the clock is two hours."""
    employee = client_of(world.employee)
    query = "period=day&date=2026-03-29"
    response = add_time(employee, "2026-03-29 01:00", "2026-03-29 04:00", query=query)
    assert response.status_code == 302
    [change] = TimeChange.objects.all()
    assert change.seconds == 7200
    decide(client_of(world.owner), [change])
    rows = _sheet(employee, world.employee, {"period": "day", "date": "2026-03-29"})
    assert rows["Total"][1] == "2:00:00"


def test_a_member_in_their_own_zone_has_their_changes_on_their_own_days(
    world: World, api: Client, device: EnrolledDevice
) -> None:
    """In New York (UTC-4 in June) Monday evening is Tuesday in Berlin, the company's zone: the
    tracked time, the time added and the time trimmed all count on the member's Monday."""
    user = world.employee.user
    user.timezone = "America/New_York"
    user.save(update_fields=["timezone"])
    new_york = dt.timezone(dt.timedelta(hours=-4))
    start = dt.datetime(2026, 6, 15, 20, 0, tzinfo=new_york)
    entry = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=30))
    slots = [slot(entry.id, started_at=start + dt.timedelta(minutes=m)) for m in range(30)]
    assert (
        post_batch(api, device, batch(device, time_entries=[entry], slots=slots)).status_code == 200
    )
    assert list(MemberDayRollup.objects.values_list("day", flat=True)) == [MONDAY]
    employee = client_of(world.employee)

    add_time(employee, "2026-06-15 21:00", "2026-06-15 22:00")  # entered in New York time
    trim(employee, str(entry.id), "2026-06-15 20:10", "2026-06-15 20:20")
    decide(client_of(world.manager), list(TimeChange.objects.all()))

    added = TimeChange.objects.get(kind="add")
    assert added.started_at == dt.datetime(2026, 6, 16, 1, 0, tzinfo=dt.UTC)
    page = client_of(world.manager).get("/timesheets/team/", {"date": "2026-06-15"})
    rows = {row[0]: row for row in grid(page.content.decode())}
    line = rows["Eli Employee employee@acme.example"]
    assert line[1:3] == [clock(30 * 60 - 10 * 60 + 60 * 60), ""]  # all on Monday
    assert line[9:11] == ["1:00:00", "\u22120:10:00"]
