"""A person's own time zone (My account) decides where their days begin and end: the day totals
written at ingest, Team today and their day page; the company's zone stays for everyone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry
from time_machine import TimeMachineFixture

from worklens_server.reports.member_day import get_member_day
from worklens_server.reports.selectors import get_team_today
from worklens_server.tracking.models import MemberDayRollup

pytestmark = pytest.mark.django_db

# 02:00 UTC on 18 June: already the 18th in Berlin (04:00), still the 17th in New York (22:00).
EVENING_IN_NEW_YORK = dt.datetime(2026, 6, 18, 2, 0, tzinfo=dt.UTC)


def _track(api: Client, device: EnrolledDevice) -> Any:
    start = EVENING_IN_NEW_YORK - dt.timedelta(minutes=30)
    entry = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=20))
    slots = [slot(entry.id, started_at=start + dt.timedelta(minutes=m)) for m in range(20)]
    response = post_batch(api, device, batch(device, time_entries=[entry], slots=slots))
    assert response.status_code == 200, response.content
    return entry


def test_a_person_in_another_zone_has_their_own_days(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(EVENING_IN_NEW_YORK, tick=False)
    user = world.employee.user
    user.timezone = "America/New_York"
    user.save(update_fields=["timezone"])
    entry = _track(api, device)

    assert list(MemberDayRollup.objects.values_list("day", "tracked_seconds")) == [
        (dt.date(2026, 6, 17), 1200)
    ]
    rows = {row.email: row for row in get_team_today(viewer=world.owner)}
    assert rows[user.email].tracked_seconds == 1200  # their today is still the 17th
    world.employee.refresh_from_db()
    day = get_member_day(member=world.employee, day=dt.date(2026, 6, 17))
    assert [e.id for e in day.entries] == [entry.id]
    assert day.tracked_seconds == 1200


def test_without_one_the_companys_zone_decides(
    api: Client, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(EVENING_IN_NEW_YORK, tick=False)
    _track(api, device)
    assert list(MemberDayRollup.objects.values_list("day", "tracked_seconds")) == [
        (dt.date(2026, 6, 18), 1200)
    ]


def test_the_owner_sets_the_companys_zone_and_first_weekday(world: World) -> None:
    client = Client()
    client.force_login(world.owner.user)
    page = client.get("/company/settings/").content.decode()
    assert 'value="Europe/Berlin" selected' in page
    form = {
        "name": "Acme",
        "address": "1 Main St",
        "phone": "+49 30 1234567",
        "country": "US",
        "vat_number": "",
        "currency": "",
        "timezone": "America/Chicago",
        "week_starts_on": "6",
    }
    assert client.post("/company/settings/", form).status_code == 302
    world.company.refresh_from_db()
    assert (world.company.timezone, world.company.week_starts_on) == ("America/Chicago", 6)
    refused = client.post("/company/settings/", form | {"timezone": "Nowhere/Land"})
    assert refused.status_code == 200
    world.company.refresh_from_db()
    assert world.company.timezone == "America/Chicago"
