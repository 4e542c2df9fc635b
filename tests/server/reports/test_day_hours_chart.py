"""Activity over the day, on the member day page and on "What is collected about me": each hour's
figure is the hour's row of the figures table, which is the raw slots of that hour."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chart_markup import bars
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry
from tracked_week import MONDAY, at, track_entry

from worklens_server.formatting import percent
from worklens_server.tracking.models import ActivitySlot
from worklens_wire.v1 import ActivitySlot as WireSlot

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _raw_hours(world: World, day: dt.date) -> dict[str, int | None]:
    tracked: dict[str, int] = {}
    active: dict[str, int] = {}
    for started_at, length, act in ActivitySlot.objects.filter(member=world.employee).values_list(
        "started_at", "length_seconds", "active_seconds"
    ):
        local = started_at.astimezone(BERLIN)
        if local.date() == day:
            hour = f"{local.hour:02d}"
            tracked[hour] = tracked.get(hour, 0) + length
            active[hour] = active.get(hour, 0) + act
    return {hour: percent(active[hour], tracked[hour]) for hour in tracked}


def _table(page: str) -> dict[str, int | None]:
    body = page.split('class="grid day-hours-table"', 1)[1].split("</table>", 1)[0]
    shown: dict[str, int | None] = {}
    for hour, cells in re.findall(r'<tr data-hour="(\d\d)">(.*?)</tr>', body, flags=re.S):
        figure = html.unescape(re.findall(r"<td[^>]*>(.*?)</td>", cells)[2]).replace("\xa0", " ")
        shown[hour] = int(figure.removesuffix(" %"))  # only hours with tracked time are rows
    return shown


@pytest.mark.parametrize(
    ("viewer", "path"),
    [
        ("manager", "/members/{id}/activity/"),
        ("owner", "/members/{id}/activity/"),
        ("employee", "/members/{id}/activity/"),
        ("employee", "/account/collected/"),
    ],
)
def test_activity_per_hour_is_the_tables_and_the_raw_slots(
    api: Client, world: World, device: EnrolledDevice, viewer: str, path: str
) -> None:
    track_entry(api, device, at(MONDAY, 7), 30)  # 09:00 in Berlin, 50 % active
    _busier_hour(api, device)
    url = path.format(id=world.employee.pk)
    page = _client(getattr(world, viewer)).get(url, {"day": MONDAY.isoformat()}).content.decode()
    chart = bars(page, "activity-per-hour")
    assert [label for label, _ in chart] == [f"{hour:02d}" for hour in range(24)]
    in_chart = {label: value for label, value in chart if value}
    table = _table(page)
    raw = _raw_hours(world, MONDAY)
    assert in_chart == table == raw == {"09": 50, "14": 75}


def _busier_hour(api: Client, device: EnrolledDevice) -> None:
    """Ten one-minute slots at 14:00 in Berlin, 45 of 60 seconds active."""
    start = at(MONDAY, 12)
    sent = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=10))
    slots: list[WireSlot] = [
        slot(sent.id, started_at=start + dt.timedelta(minutes=m), active_seconds=45)
        for m in range(10)
    ]
    assert (
        post_batch(api, device, batch(device, time_entries=[sent], slots=slots)).status_code == 200
    )
