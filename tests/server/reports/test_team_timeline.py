"""The team timeline (/team/timeline/): one row per member the viewer may see, each on their own
local day, with the member day's totals; and a member's day on the nights the clocks change."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest
from django.test import Client
from server_testkit import (
    EnrolledDevice,
    World,
    batch,
    device_info,
    post_batch,
    slot,
    time_entry,
)
from tracked_day import DAY, track_day

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.formatting import clock

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def client_of(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def rows(page: str) -> dict[str, str]:
    """Each row's member id and its tracked total."""
    found = re.findall(
        r'data-member="([0-9a-f-]+)".*?class="row-tracked">([^<]*)<', page, flags=re.S
    )
    return dict(found)


def upload_day(api: Client, device: EnrolledDevice, start: dt.datetime, minutes: int) -> None:
    entry = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=minutes))
    slots = [
        slot(entry.id, started_at=start + dt.timedelta(minutes=m), active_seconds=30)
        for m in range(minutes)
    ]
    sent = post_batch(api, device, batch(device, time_entries=[entry], slots=slots))
    assert sent.status_code == 200, sent.content


@pytest.fixture
def two_people(
    api: Client, world: World, device: EnrolledDevice, loner_device: EnrolledDevice
) -> None:
    track_day(api, device, project=world.project)  # the employee: 30 minutes, 12:00 Berlin
    # The loner lives in Tokyo: their DAY is 15:00 UTC the day before to 15:00 UTC on it.
    world.loner.user.timezone = "Asia/Tokyo"
    world.loner.user.save()
    tokyo_morning = dt.datetime.combine(DAY, dt.time(9), tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    upload_day(api, loner_device, tokyo_morning, 45)
    # An hour before their midnight: the day before in Tokyo, not on this timeline.
    upload_day(api, loner_device, tokyo_morning - dt.timedelta(hours=10), 20)


@pytest.fixture
def loner_device(world: World) -> EnrolledDevice:
    enrollment = enroll_device(code=issue_enrollment_code(member=world.loner), info=device_info())
    return EnrolledDevice(enrollment.device.id, enrollment.token, world.loner)


def test_each_viewer_sees_the_rows_they_may(world: World, two_people: None) -> None:
    day = {"day": DAY.isoformat()}
    owner = rows(client_of(world.owner).get("/team/timeline/", day).content.decode())
    assert owner == {
        str(world.owner.pk): "0:00:00",
        str(world.manager.pk): "0:00:00",
        str(world.employee.pk): "0:30:00",
        str(world.loner.pk): "0:45:00",
    }
    manager = rows(client_of(world.manager).get("/team/timeline/", day).content.decode())
    assert manager == {str(world.manager.pk): "0:00:00", str(world.employee.pk): "0:30:00"}
    employee = client_of(world.employee).get("/team/timeline/", day).content.decode()
    assert rows(employee) == {str(world.employee.pk): "0:30:00"}
    assert "Lou Loner" not in employee
    by_team = client_of(world.owner).get("/team/timeline/", day | {"team": str(world.team.pk)})
    assert set(rows(by_team.content.decode())) == {str(world.manager.pk), str(world.employee.pk)}


def test_a_team_the_viewer_may_not_see_is_a_404(world: World) -> None:
    for who in (world.employee, world.loner):
        response = client_of(who).get("/team/timeline/", {"team": str(world.team.pk)})
        assert response.status_code == 404
    assert client_of(world.owner).get("/team/timeline/", {"team": "nope"}).status_code == 404
    assert client_of(world.owner).get("/team/timeline/", {"day": "soon"}).status_code == 400


def test_rows_are_each_members_own_day_and_equal_their_day_page(
    world: World, two_people: None
) -> None:
    owner = client_of(world.owner)
    page = owner.get("/team/timeline/", {"day": DAY.isoformat()}).content.decode()
    for member in (world.employee, world.loner):
        day_page = owner.get(f"/members/{member.pk}/activity/", {"day": DAY.isoformat()})
        total = re.search(r'class="tracked">([^<]*)<', day_page.content.decode())
        assert total is not None
        assert rows(page)[str(member.pk)] == total.group(1)
    # The loner's 09:00 in Tokyo sits at 09:00 on the axis (hours since their own midnight),
    # and their row says their zone.
    loner = page.split(f'data-member="{world.loner.pk}"', 1)[1].split('class="tl-total', 1)[0]
    lefts = re.findall(r'class="tl-bar low slot lvl-\d" style="left:([\d.]+)%', loner)
    assert lefts[0] == str(round(9 * 100 / 24, 3))
    assert "Asia/Tokyo" in loner
    assert clock(45 * 60) == rows(page)[str(world.loner.pk)]


def test_the_day_the_clocks_go_forward_has_23_hours(
    world: World, api: Client, device: EnrolledDevice
) -> None:
    # Sunday 29 March 2026 in Berlin: 02:00 became 03:00. 01:30 to 03:30 local is one hour.
    start = dt.datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    upload_day(api, device, start, 60)
    page = client_of(world.manager).get(
        f"/members/{world.employee.pk}/activity/", {"day": "2026-03-29"}
    )
    content = page.content.decode()
    part = content[content.index('id="timeline"') :]
    ticks = re.findall(r'<span style="left:[\d.]+%">([^<]*)</span>', part)
    # Every hour has a tick, every other one its label: 02:00 never was.
    assert ticks[:6] == ["00:00", "", "03:00", "", "05:00", ""]
    assert len(ticks) == 24  # 23 hours and the closing midnight
    assert "which had 23 hours" in html.unescape(part)
    first = re.search(r'<a class="tl-bar slot lvl-\d" style="left:([\d.]+)%', part)
    assert first is not None
    assert first.group(1) == str(round(1.5 * 100 / 23, 3))
    assert re.search(r'class="timeline-tracked">([^<]*)<', part).group(1) == "1:00:00"  # type: ignore[union-attr]


def test_a_slot_across_local_midnight_shows_its_part_on_each_day(
    world: World, api: Client, device: EnrolledDevice
) -> None:
    start = dt.datetime.combine(DAY, dt.time(23, 55), tzinfo=BERLIN)
    entry = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=10))
    night = slot(entry.id, started_at=start, length_seconds=600, active_seconds=600)
    assert (
        post_batch(api, device, batch(device, time_entries=[entry], slots=[night])).status_code
        == 200
    )
    manager = client_of(world.manager)
    for day in (DAY, DAY + dt.timedelta(days=1)):
        page = manager.get(f"/members/{world.employee.pk}/activity/", {"day": day.isoformat()})
        content = page.content.decode()
        assert re.search(r'class="timeline-tracked">([^<]*)<', content).group(1) == "0:05:00"  # type: ignore[union-attr]
        bar = re.search(
            r'<a class="tl-bar slot lvl-4" style="left:([\d.]+)%;width:([\d.]+)%"', content
        )
        assert bar is not None
        assert bar.groups() == (("99.653", "0.347") if day == DAY else ("0.0", "0.347"))
