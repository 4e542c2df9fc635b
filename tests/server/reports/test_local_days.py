"""The company's local day at its edges: local midnight, and the two days a year that are not 24
hours long. "Today" (the Team today page and the default day of a member's day page) and the day
totals (the rollups written at ingest, Team today's tracked time, the member day page) must put
every slot on the company-local day it started in, each exactly once.

The clock is pinned (time-machine, `tick=False`) to the exact second each test is about.
Europe/Berlin, the test company's zone, springs forward on 29 March 2026 (02:00 CET becomes
03:00 CEST: a 23-hour day) and falls back on 25 October 2026 (03:00 CEST becomes 02:00 CET: the
hour from 02:00 comes twice, a 25-hour day)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from server_testkit import (
    COMPANY_ZONE,
    PINNED_NOW,
    EnrolledDevice,
    World,
    batch,
    post_batch,
    slot,
    span,
    time_entry,
)
from time_machine import TimeMachineFixture

from worklens_server.reports.member_day import get_member_day
from worklens_server.reports.selectors import get_team_today
from worklens_server.tracking.models import MemberDayRollup
from worklens_wire.v1 import UploadBatch

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo(COMPANY_ZONE)


def local(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0, fold: int = 0) -> Any:
    """A wall-clock time in the company's zone, as UTC (`fold=1`: the repeated hour's second
    pass, on the day clocks go back)."""
    wall = dt.datetime.combine(day, dt.time(hour, minute, second, fold=fold), tzinfo=ZONE)
    return wall.astimezone(dt.UTC)


def _post(api: Client, device: EnrolledDevice, sent: UploadBatch) -> Any:
    response = post_batch(api, device, sent)
    assert response.status_code == 200, response.content
    return response.json()


def _rollups(world: World) -> dict[dt.date, int]:
    return dict(
        MemberDayRollup.objects.filter(member=world.employee).values_list("day", "tracked_seconds")
    )


def _team_today_tracked(world: World) -> int:
    rows = {row.email: row for row in get_team_today(viewer=world.owner)}
    return rows["employee@acme.example"].tracked_seconds


def _owner_client(world: World) -> Client:
    client = Client()
    client.force_login(world.owner.user)
    return client


def _team_today_heading(client: Client) -> str:
    html = client.get("/team/today/").content.decode()
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def _member_day_page(client: Client, world: World, day: dt.date | None = None) -> str:
    params = {} if day is None else {"day": day.isoformat()}
    response = client.get(f"/members/{world.employee.pk}/activity/", params)
    assert response.status_code == 200
    return str(response.content.decode())


def _shown_day_and_total(html: str) -> tuple[str, str]:
    day = html.split('<nav class="day-nav">', 1)[1].split("<strong>", 1)[1].split("</strong>")[0]
    total = html.split('<strong class="tracked">', 1)[1].split("</strong>", 1)[0]
    return day, total


# --- the pinned clock itself -------------------------------------------------------------------


def test_server_tests_start_at_midday_in_the_companys_zone(world: World) -> None:
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(0) <= now - PINNED_NOW < dt.timedelta(seconds=30)  # it ticks from there
    assert PINNED_NOW.astimezone(ZONE).replace(tzinfo=None) == dt.datetime(2026, 6, 17, 12, 0)
    assert "Wednesday, 17 June 2026" in _team_today_heading(_owner_client(world))


# --- local midnight ----------------------------------------------------------------------------

JUNE_17, JUNE_18 = dt.date(2026, 6, 17), dt.date(2026, 6, 18)


def test_slots_around_local_midnight_land_on_the_day_they_started(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    """One-minute slots (the demo policy's) from 23:55; the agent sends each finished slot."""
    client = _owner_client(world)
    entry = time_entry(started_at=local(JUNE_17, 23, 55), stopped_at=None)
    evening = [
        slot(entry.id, started_at=local(JUNE_17, 23, 55 + n), length_seconds=60) for n in range(4)
    ]

    time_machine.move_to(local(JUNE_17, 23, 59, 55), tick=False)
    _post(api, device, batch(device, time_entries=[entry], slots=evening))

    assert "Wednesday, 17 June 2026" in _team_today_heading(client)
    assert _team_today_tracked(world) == 240
    assert _rollups(world) == {JUNE_17: 240}
    assert _shown_day_and_total(_member_day_page(client, world)) == (
        "Wednesday, 17 June 2026",
        "0:04:00",
    )

    # Ten seconds later it is the next day. The agent sends the slot that ended at midnight and
    # the five seconds after it, when the employee stops the timer.
    time_machine.move_to(local(JUNE_18, 0, 0, 5), tick=False)
    stopped = entry.model_copy(update={"stopped_at": local(JUNE_18, 0, 0, 5)})
    last_minute = slot(entry.id, started_at=local(JUNE_17, 23, 59), length_seconds=60)
    after_midnight = slot(entry.id, started_at=local(JUNE_18), length_seconds=5, active_seconds=5)
    _post(api, device, batch(device, time_entries=[stopped], slots=[last_minute, after_midnight]))

    assert "Thursday, 18 June 2026" in _team_today_heading(client)
    assert _team_today_tracked(world) == 5
    assert _rollups(world) == {JUNE_17: 300, JUNE_18: 5}
    assert _shown_day_and_total(_member_day_page(client, world)) == (
        "Thursday, 18 June 2026",
        "0:00:05",
    )
    assert _shown_day_and_total(_member_day_page(client, world, JUNE_17)) == (
        "Wednesday, 17 June 2026",
        "0:05:00",
    )
    # The entry crosses midnight: each day shows it with that day's slots only.
    evening_day = get_member_day(member=world.employee, day=JUNE_17)
    morning_day = get_member_day(member=world.employee, day=JUNE_18)
    assert [(e.id, e.tracked_seconds) for e in evening_day.entries] == [(entry.id, 300)]
    assert [(e.id, e.tracked_seconds) for e in morning_day.entries] == [(entry.id, 5)]


@pytest.mark.parametrize(
    ("wall", "today"),
    [
        ((JUNE_17, 0, 0, 0), "Wednesday, 17 June 2026"),
        ((JUNE_17, 23, 59, 59), "Wednesday, 17 June 2026"),
        ((JUNE_18, 0, 0, 0), "Thursday, 18 June 2026"),
        ((JUNE_18, 1, 59, 59), "Thursday, 18 June 2026"),  # still 17 June in UTC
    ],
)
def test_today_turns_at_local_midnight_not_at_utc_midnight(
    world: World, time_machine: TimeMachineFixture, wall: tuple[Any, ...], today: str
) -> None:
    client = _owner_client(world)
    time_machine.move_to(local(*wall), tick=False)
    assert today in _team_today_heading(client)
    assert _shown_day_and_total(_member_day_page(client, world))[0] == today


# --- the two DST changes -----------------------------------------------------------------------

SPRING_FORWARD = dt.date(2026, 3, 29)  # 23 hours
FALL_BACK = dt.date(2026, 10, 25)  # 25 hours
SLOT = dt.timedelta(minutes=10)  # the product's default slot


def _ten_minute_slots(entry_id: Any, start: dt.datetime, end: dt.datetime) -> list[Any]:
    slots = []
    at = start
    while at < end:
        slots.append(slot(entry_id, started_at=at, length_seconds=600, active_seconds=300))
        at += SLOT
    return slots


def _track_whole_day_and_its_neighbours(
    api: Client, device: EnrolledDevice, day: dt.date, time_machine: TimeMachineFixture
) -> tuple[Any, list[Any]]:
    """A time entry from 23:50 the evening before to 00:10 the morning after, with a slot every
    ten minutes of it: one slot on each neighbouring day, the whole day in between. They are
    sent when the last one has ended (the server takes nothing ahead of its clock); the clock
    then goes back to the test's instant."""
    before, after = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    entry = time_entry(started_at=local(before, 23, 50), stopped_at=local(after, 0, 10))
    slots = _ten_minute_slots(entry.id, local(before, 23, 50), local(after, 0, 10))
    test_instant = dt.datetime.now(dt.UTC)
    time_machine.move_to(local(after, 0, 10), tick=False)
    _post(api, device, batch(device, time_entries=[entry], slots=slots))
    time_machine.move_to(test_instant, tick=False)
    return entry, slots


@pytest.mark.time_machine(dt.datetime(2026, 3, 29, 21, 59, 59, tzinfo=dt.UTC), tick=False)
def test_the_spring_forward_day_has_23_hours(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    assert local(SPRING_FORWARD, 23, 59, 59) == dt.datetime.now(dt.UTC)  # the marker's instant
    entry, slots = _track_whole_day_and_its_neighbours(api, device, SPRING_FORWARD, time_machine)
    assert len(slots) == 2 + 23 * 6

    day_seconds = 23 * 3600
    assert _rollups(world) == {
        SPRING_FORWARD - dt.timedelta(days=1): 600,
        SPRING_FORWARD: day_seconds,
        SPRING_FORWARD + dt.timedelta(days=1): 600,
    }
    # At 23:59:59 CEST it is still 29 March (a naive "midnight + 24 h" would say 30 March).
    client = _owner_client(world)
    assert "Sunday, 29 March 2026" in _team_today_heading(client)
    assert _team_today_tracked(world) == day_seconds
    assert _shown_day_and_total(_member_day_page(client, world)) == (
        "Sunday, 29 March 2026",
        "23:00:00",
    )
    day = get_member_day(member=world.employee, day=SPRING_FORWARD)
    (shown,) = day.entries
    assert (shown.id, len(shown.slots), day.tracked_seconds) == (entry.id, 138, day_seconds)
    # 01:50 CET is followed by 03:00 CEST: no slot is lost or invented in the gap.
    starts = [s.started_at.astimezone(ZONE).strftime("%H:%M %Z") for s in shown.slots]
    assert starts[11:13] == ["01:50 CET", "03:00 CEST"]

    for wall, today in [
        ((SPRING_FORWARD, 0, 0, 0), "Sunday, 29 March 2026"),
        ((SPRING_FORWARD, 1, 59, 59), "Sunday, 29 March 2026"),
        ((SPRING_FORWARD, 3, 0, 0), "Sunday, 29 March 2026"),
        ((SPRING_FORWARD + dt.timedelta(days=1), 0, 0, 0), "Monday, 30 March 2026"),
    ]:
        time_machine.move_to(local(*wall), tick=False)
        assert today in _team_today_heading(client), wall


@pytest.mark.time_machine(dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC), tick=False)
def test_the_fall_back_day_has_25_hours_and_counts_the_repeated_hour_once(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    # The marker's instant is 02:30 on the second pass of the repeated hour.
    assert local(FALL_BACK, 2, 30, fold=1) == dt.datetime.now(dt.UTC)
    assert local(FALL_BACK, 2, 30, fold=0) == local(FALL_BACK, 2, 30, fold=1) - dt.timedelta(
        hours=1
    )
    entry, slots = _track_whole_day_and_its_neighbours(api, device, FALL_BACK, time_machine)
    assert len(slots) == 2 + 25 * 6
    # An app in front for each pass of the repeated hour.
    first_pass, second_pass = local(FALL_BACK, 2, fold=0), local(FALL_BACK, 2, fold=1)
    spans = [
        span(entry.id, app="Terminal", started_at=first_pass, ended_at=first_pass + 6 * SLOT),
        span(entry.id, app="Firefox", started_at=second_pass, ended_at=second_pass + 6 * SLOT),
    ]
    marker = dt.datetime.now(dt.UTC)
    time_machine.move_to(local(FALL_BACK + dt.timedelta(days=1), 0, 10), tick=False)
    _post(api, device, batch(device, app_spans=spans))
    # The agent re-sends the repeated hour's slots (a retry after a lost acknowledgement).
    repeated = [s for s in slots if first_pass <= s.started_at < second_pass + 6 * SLOT]
    assert len(repeated) == 12
    ack = _post(api, device, batch(device, slots=repeated))
    assert (ack["stored"], ack["duplicates"]) == (0, 12)
    time_machine.move_to(marker, tick=False)

    day_seconds = 25 * 3600
    assert _rollups(world) == {
        FALL_BACK - dt.timedelta(days=1): 600,
        FALL_BACK: day_seconds,
        FALL_BACK + dt.timedelta(days=1): 600,
    }
    client = _owner_client(world)
    assert "Sunday, 25 October 2026" in _team_today_heading(client)
    assert _team_today_tracked(world) == day_seconds
    html = _member_day_page(client, world)
    assert _shown_day_and_total(html) == ("Sunday, 25 October 2026", "25:00:00")
    # Both passes of 02:30 are listed, each once (the page shows the company's wall clock).
    assert html.count("<span>02:30:00</span>") == 2
    day = get_member_day(member=world.employee, day=FALL_BACK)
    (shown,) = day.entries
    assert (shown.id, len(shown.slots), day.tracked_seconds) == (entry.id, 150, day_seconds)
    assert [(row.label, row.seconds) for row in day.apps] == [("Firefox", 3600), ("Terminal", 3600)]

    for wall, today in [
        ((FALL_BACK, 0, 0, 0), "Sunday, 25 October 2026"),
        ((FALL_BACK, 2, 59, 59, 0), "Sunday, 25 October 2026"),
        ((FALL_BACK, 2, 0, 0, 1), "Sunday, 25 October 2026"),
        ((FALL_BACK, 23, 59, 59), "Sunday, 25 October 2026"),
        ((FALL_BACK + dt.timedelta(days=1), 0, 0, 0), "Monday, 26 October 2026"),
    ]:
        time_machine.move_to(local(*wall), tick=False)
        assert today in _team_today_heading(client), wall


def test_team_today_reads_the_day_and_its_totals_at_one_instant(
    api: Client,
    world: World,
    device: EnrolledDevice,
    time_machine: TimeMachineFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Midnight passing while the page is being built must not pair one day's heading with the
    next day's totals."""
    from worklens_server.reports import views

    entry = time_entry(started_at=local(JUNE_17, 23, 50), stopped_at=local(JUNE_17, 23, 59))
    slots = [
        slot(entry.id, started_at=local(JUNE_17, 23, 50 + n), length_seconds=60) for n in range(9)
    ]
    time_machine.move_to(local(JUNE_17, 23, 59, 59), tick=False)
    _post(api, device, batch(device, time_entries=[entry], slots=slots))
    client = _owner_client(world)
    read_rows = views.get_team_today

    def rows_read_after_midnight(**kwargs: Any) -> Any:
        time_machine.move_to(local(JUNE_18, 0, 0, 1), tick=False)
        return read_rows(**kwargs)

    monkeypatch.setattr(views, "get_team_today", rows_read_after_midnight)
    html = client.get("/team/today/").content.decode()

    assert "Wednesday, 17 June 2026" in html.split("</h1>", 1)[0]
    assert "0:09:00" in html  # 17 June's time, under 17 June's heading
