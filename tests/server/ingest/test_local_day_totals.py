"""Day totals in the company's zone where slots do not line up with local midnight: a slot that
crosses it counts on both days (rollups and the member day page alike), and the DST days of
America/New_York hold 23 and 25 hours. (Europe/Berlin's edges: tests/server/reports.)"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry
from time_machine import TimeMachineFixture

from worklens_server.reports.member_day import get_member_day
from worklens_server.tracking.models import EntryDayRollup, MemberDayRollup

pytestmark = pytest.mark.django_db


def _in_zone(world: World, name: str) -> zoneinfo.ZoneInfo:
    world.company.timezone = name
    world.company.save(update_fields=["timezone"])
    world.employee.refresh_from_db()
    return zoneinfo.ZoneInfo(name)


def _rollups(world: World) -> dict[dt.date, tuple[int, int, int, int]]:
    rows = MemberDayRollup.objects.filter(member=world.employee).values_list(
        "day", "tracked_seconds", "active_seconds", "keyboard_events", "mouse_events"
    )
    return {day: tuple(totals) for day, *totals in rows}


def _post(api: Client, device: EnrolledDevice, **items: Any) -> None:
    response = post_batch(api, device, batch(device, **items))
    assert response.status_code == 200, response.content


def test_a_slot_across_local_midnight_counts_on_both_days(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    """Asia/Kathmandu is UTC+05:45: ten-minute slots, aligned to UTC, cross its midnight."""
    zone = _in_zone(world, "Asia/Kathmandu")
    time_machine.move_to(dt.datetime(2026, 6, 17, 18, 30, tzinfo=dt.UTC), tick=False)
    start = dt.datetime(2026, 6, 17, 18, 10, tzinfo=dt.UTC)  # 23:55 in Kathmandu
    assert start.astimezone(zone).strftime("%H:%M") == "23:55"
    entry = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=10))
    crossing = slot(
        entry.id,
        started_at=start,
        length_seconds=600,
        active_seconds=301,
        keyboard_events=1001,
        mouse_events=7,
    )
    _post(api, device, time_entries=[entry], slots=[crossing])

    june_17, june_18 = dt.date(2026, 6, 17), dt.date(2026, 6, 18)
    assert _rollups(world) == {june_17: (300, 150, 500, 3), june_18: (300, 151, 501, 4)}
    by_entry = EntryDayRollup.objects.values_list("time_entry_id", "day", "tracked_seconds")
    assert sorted(by_entry) == [(entry.id, june_17, 300), (entry.id, june_18, 300)]
    for day, seconds in ((june_17, 300), (june_18, 300)):
        shown = get_member_day(member=world.employee, day=day)
        assert [e.id for e in shown.entries] == [entry.id]
        assert shown.tracked_seconds == seconds
    (evening,) = get_member_day(member=world.employee, day=june_17).entries[0].slots
    (morning,) = get_member_day(member=world.employee, day=june_18).entries[0].slots
    assert evening.started_at == start
    assert morning.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") == "2026-06-18 00:00"


def _ten_minute_day(zone: zoneinfo.ZoneInfo, day: dt.date) -> tuple[Any, list[Any]]:
    """An entry and its ten-minute slots from the day's local midnight to the next one."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    end = end.astimezone(dt.UTC)
    entry = time_entry(started_at=start, stopped_at=end)
    slots = []
    moment = start
    while moment < end:
        slots.append(slot(entry.id, started_at=moment, length_seconds=600, active_seconds=300))
        moment += dt.timedelta(minutes=10)
    return entry, slots


@pytest.mark.parametrize(
    ("day", "hours"),
    [(dt.date(2026, 3, 8), 23), (dt.date(2026, 11, 1), 25), (dt.date(2026, 6, 17), 24)],
    ids=["spring-forward", "fall-back", "ordinary"],
)
def test_new_york_days_hold_the_hours_they_have(
    api: Client,
    world: World,
    device: EnrolledDevice,
    time_machine: TimeMachineFixture,
    day: dt.date,
    hours: int,
) -> None:
    zone = _in_zone(world, "America/New_York")
    entry, slots = _ten_minute_day(zone, day)
    time_machine.move_to(entry.stopped_at + dt.timedelta(minutes=1), tick=False)
    _post(api, device, time_entries=[entry], slots=slots)
    assert len(slots) == hours * 6
    assert _rollups(world) == {
        day: (hours * 3600, hours * 1800, len(slots) * 120, len(slots) * 300)
    }
    shown = get_member_day(member=world.employee, day=day)
    assert shown.tracked_seconds == hours * 3600
    assert get_member_day(member=world.employee, day=day + dt.timedelta(days=1)).entries == []
