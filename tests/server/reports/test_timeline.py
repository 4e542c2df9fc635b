"""The timeline of a member's day (/members/<id>/activity/ and "what is collected about me"): its
totals are the timesheet's for that day, with manual time, trims and idle time kept and
discarded; its bars sit where the raw rows are; a slot opens its screenshots, apps and titles."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch, slot, time_entry
from tracked_day import DAY, START, track_day

from worklens_server.companies.models import Member
from worklens_server.formatting import clock
from worklens_server.privacy.models import ScreenshotAccess
from worklens_server.timesheets.models import TimeChange
from worklens_server.tracking.models import ActivitySlot

pytestmark = pytest.mark.django_db

KEPT_START = START + dt.timedelta(minutes=40)  # 12:40 in Berlin
DISCARDED_START = START + dt.timedelta(hours=1)  # 13:00 in Berlin
WEEK = f"period=week&date={DAY.isoformat()}"


def client_of(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def timeline(page: str) -> str:
    start = page.index('id="timeline"')
    return page[start : page.index("</section>", start)]


def strong(page: str, css_class: str) -> str:
    found = re.search(rf'class="{css_class}">([^<]*)<', page)
    assert found is not None, css_class
    return found.group(1)


def timesheet_day_total(client: Client, member: Member) -> str:
    """The member's timesheet total of DAY, as its page shows it (the "Total" row)."""
    page = client.get(f"/timesheets/members/{member.pk}/?{WEEK}").content.decode()
    table = page.split('<table class="grid timesheet">', 1)[1].split("</table>", 1)[0]
    rows = [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    ]
    header = rows[0]
    column = next(n for n, cell in enumerate(header) if DAY.strftime("%-d") in cell.split())
    (total,) = [row for row in rows if row and row[0] == "Total"]
    return total[column]


@pytest.fixture
def busy_day(api: Client, world: World, device: EnrolledDevice) -> dict[str, Any]:
    """Tracked 12:00-12:30 Berlin (three slots, two screenshots), 10 minutes of idle time kept,
    25 discarded, then approved: 20 minutes added by hand and 5 trimmed from the first entry."""
    tracked = track_day(api, device, project=world.project)
    kept = time_entry(
        started_at=KEPT_START,
        stopped_at=KEPT_START + dt.timedelta(minutes=10),
        project_id=world.project.id,
        idle="kept",
    )
    discarded = time_entry(
        started_at=DISCARDED_START,
        stopped_at=DISCARDED_START + dt.timedelta(minutes=25),
        idle="discarded",
    )
    slots = [
        slot(kept.id, started_at=KEPT_START + dt.timedelta(minutes=m), active_seconds=0)
        for m in range(10)
    ]
    assert (
        post_batch(
            api, device, batch(device, time_entries=[kept, discarded], slots=slots)
        ).status_code
        == 200
    )
    employee = client_of(world.employee)
    added = employee.post(
        f"/timesheets/changes/add/?{WEEK}",
        {
            "started_at": f"{DAY}T15:00",
            "ended_at": f"{DAY}T15:20",
            "work": "",
            "notes": "call",
            "reason": "phone",
        },
    )
    assert added.status_code == 302
    trimmed = employee.post(
        f"/timesheets/changes/trim/?{WEEK}",
        {
            "time_entry": str(tracked.entry_id),
            "started_at": f"{DAY}T12:25",
            "ended_at": f"{DAY}T12:30",
            "reason": "private call",
        },
    )
    assert trimmed.status_code == 302
    changes = TimeChange.objects.all()
    assert changes.count() == 2
    client_of(world.manager).post(
        "/timesheets/changes/decide/",
        {"change": [str(c.pk) for c in changes], "decision": "approve", "comment": ""},
    )
    assert set(changes.values_list("status", flat=True)) == {TimeChange.Status.APPROVED}
    return {"tracked": tracked}


@pytest.mark.parametrize(
    ("viewer", "path"),
    [
        ("owner", "/members/{member}/activity/"),
        ("manager", "/members/{member}/activity/"),
        ("employee", "/account/collected/"),
    ],
)
def test_the_timelines_totals_are_the_timesheets(
    world: World, busy_day: dict[str, Any], viewer: str, path: str
) -> None:
    client = client_of(getattr(world, viewer))
    page = client.get(path.format(member=world.employee.pk), {"day": DAY.isoformat()})
    content = page.content.decode()
    raw = sum(
        ActivitySlot.objects.filter(member=world.employee).values_list("length_seconds", flat=True)
    )
    # 30 + 10 minutes tracked, 5 trimmed, 20 added; the 25 discarded count nowhere.
    expected = clock(raw - 5 * 60 + 20 * 60)
    assert expected == "0:55:00"
    assert strong(content, "timeline-tracked") == expected
    assert strong(content, "tracked") == expected  # the member day's own total
    assert timesheet_day_total(client_of(world.owner), world.employee) == expected
    shown = text(timeline(content))
    assert "incl. 0:20:00 manual" in shown
    assert "incl. 0:10:00 idle kept" in shown
    assert "0:05:00 trimmed" in shown
    assert "idle discarded 0:25:00 (not counted)" in shown


def test_bars_sit_where_the_rows_are(world: World, busy_day: dict[str, Any]) -> None:
    page = client_of(world.manager).get(
        f"/members/{world.employee.pk}/activity/", {"day": DAY.isoformat()}
    )
    part = timeline(page.content.decode())
    slots = re.findall(
        r'<a class="tl-bar slot lvl-(\d)" style="left:([\d.]+)%;width:([\d.]+)%"', part
    )
    # Three 10-minute slots, each at its local time (12:00 Berlin is half the day: 50 %), and
    # the ten 1-minute ones of 12:40 drawn as one piece of ten minutes; each shaded by its
    # activity (600/600, 300/600, 150/600, then none).
    assert slots == [
        ("4", "50.0", "0.694"),
        ("2", "50.694", "0.694"),
        ("1", "51.389", "0.694"),
        ("0", "52.778", "0.694"),
    ]
    assert len(re.findall(r'class="tl-mark', part)) == 2
    assert 'class="tl-bar idle-discarded" style="left:54.167%;width:1.736%"' in part
    assert 'class="tl-bar manual" style="left:62.5%;width:1.389%"' in part
    assert 'class="tl-bar trimmed" style="left:51.736%;width:0.347%"' in part
    apps = re.findall(r'class="tl-bar app app-\d" style="[^"]*" title="([^"]*)"', part)
    assert [title.split()[-1] for title in apps] == ["Firefox", "Terminal", "Firefox", "Firefox"]
    assert "Hours of Europe/Berlin" in text(part)


def test_a_slot_opens_its_screenshots_apps_and_titles(
    world: World, busy_day: dict[str, Any]
) -> None:
    manager = client_of(world.manager)
    page = manager.get(f"/members/{world.employee.pk}/activity/", {"day": DAY.isoformat()})
    href = re.search(
        r'<a class="tl-bar slot[^"]*" style="[^"]*" href="([^"]+)"', timeline(page.content.decode())
    )
    assert href is not None
    details = manager.get(html.unescape(href.group(1)), HTTP_HX_REQUEST="true")
    assert details.status_code == 200
    shown = text(details.content.decode())
    assert "12:00\u201312:10" in shown
    assert "Activity 100 %" in shown
    assert "Firefox Pricing - Example 0:10:00" in shown
    assert "<html" not in details.content.decode()  # htmx gets the partial
    (shot_id,) = re.findall(r"/screenshots/([0-9a-f-]+)/thumbnail/", details.content.decode())
    assert str(busy_day["tracked"].screenshot_ids[0]) == shot_id
    # The thumbnail it shows is audited like any other.
    assert manager.get(f"/screenshots/{shot_id}/thumbnail/").status_code == 200
    assert ScreenshotAccess.objects.filter(viewer=world.manager, variant="thumbnail").count() == 1
    whole = manager.get(html.unescape(href.group(1)))
    assert "<html" in whole.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "yesterday", "seconds": "600"},
        {"start": "2026-06-15T10:00:00", "seconds": "600"},
        {"start": "2026-06-15T10:00:00+00:00", "seconds": "0"},
        {"start": "2026-06-15T10:00:00+00:00", "seconds": "7201"},
    ],
)
def test_a_bad_slot_is_a_clear_400(world: World, query: dict[str, str]) -> None:
    response = client_of(world.owner).get(f"/members/{world.employee.pk}/timeline/slot/", query)
    assert response.status_code == 400


def test_someone_else_cannot_open_a_slot(world: World, busy_day: dict[str, Any]) -> None:
    query = {"start": START.isoformat(), "seconds": "600"}
    for who in (world.loner, world.outsider_owner):
        response = client_of(who).get(f"/members/{world.employee.pk}/timeline/slot/", query)
        assert response.status_code == 404
