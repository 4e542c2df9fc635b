"""The agent's flags where a manager looks: the member's timeline lists each flag with what
triggered it, the slot it opens says it, the team timeline counts them per member, and the
gallery marks the screenshot and the slot's flags. Uploaded through the real agent API."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch
from tracked_day import DAY, START, image_bytes, upload_screenshot

from worklens_server.companies.models import Member
from worklens_wire import new_id
from worklens_wire.flags import InputFlag
from worklens_wire.v1 import ActivitySlot, ScreenshotRecord, TimeEntry

pytestmark = pytest.mark.django_db

JIGGLER_WORDS = (
    "regular mouse input: the mouse moved at the same 30.0 s interval 20 times, always by 1 px "
    "(intervals varied by 0.0 %)"
)
SAME = "screen identical to the previous screenshot"


def client_of(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture
def flagged_day(api: Client, device: EnrolledDevice) -> None:
    """12:00-12:20 Berlin: a slot with a jiggler's flag, then a plain one; a screenshot in each,
    the second the same screen as the first."""
    entry = TimeEntry(id=new_id(), started_at=START, stopped_at=START + dt.timedelta(minutes=20))
    jiggler = InputFlag(
        kind="regular_mouse",
        events=20,
        interval_seconds=30.0,
        interval_cv=0.0001,
        distinct_moves=1,
        step_px=1,
    )
    slots = [
        ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=START + dt.timedelta(minutes=10 * n),
            length_seconds=600,
            active_seconds=20 if n == 0 else 400,
            keyboard_events=0 if n == 0 else 500,
            mouse_events=20 if n == 0 else 900,
            input_flags=[jiggler] if n == 0 else None,
        )
        for n in range(2)
    ]
    response = post_batch(api, device, batch(device, time_entries=[entry], slots=slots))
    assert response.status_code == 200
    for n in range(2):
        record = ScreenshotRecord(
            id=new_id(),
            time_entry_id=entry.id,
            slot_id=slots[n].id,
            taken_at=START + dt.timedelta(minutes=10 * n + 5),
            width=640,
            height=400,
            same_as_previous=None if n == 0 else True,
        )
        uploaded = upload_screenshot(api, device, record, image_bytes((90, 90, 90)))
        assert uploaded.status_code == 200, uploaded.content


def test_the_timeline_lists_each_flag_with_what_triggered_it(
    world: World, flagged_day: None
) -> None:
    page = client_of(world.manager).get(
        f"/members/{world.employee.pk}/activity/", {"day": DAY.isoformat()}
    )
    notes = [
        text(n) for n in re.findall(r'<li class="timeline-flag">(.*?)</li>', page.content.decode())
    ]
    assert notes == [f"flag 12:00\u201312:10: {JIGGLER_WORDS}", f"flag 12:15: {SAME}"]
    assert "not why: a person decides what it means" in text(page.content.decode())


def test_the_flagged_slot_says_so_and_the_other_does_not(world: World, flagged_day: None) -> None:
    manager = client_of(world.manager)
    path = f"/members/{world.employee.pk}/timeline/slot/"
    first = text(manager.get(path, {"start": START.isoformat(), "seconds": "600"}).content.decode())
    second = text(
        manager.get(
            path, {"start": (START + dt.timedelta(minutes=10)).isoformat(), "seconds": "600"}
        ).content.decode()
    )
    assert f"flag {JIGGLER_WORDS}" in first
    assert "regular mouse input" not in second
    assert f"flag {SAME}" in second
    assert SAME not in first


def test_the_team_timeline_counts_a_members_flags(world: World, flagged_day: None) -> None:
    page = client_of(world.manager).get("/team/timeline/", {"day": DAY.isoformat()})
    assert re.findall(r'class="badge flag row-flags"[^>]*>([^<]*)<', page.content.decode()) == [
        "2 flags"
    ]


def test_the_gallery_marks_the_flags_of_each_screenshot(world: World, flagged_day: None) -> None:
    page = client_of(world.manager).get(
        f"/members/{world.employee.pk}/gallery/", {"day": DAY.isoformat()}
    )
    found = [
        text(item)
        for item in re.findall(
            r'<li class="gallery-shot[^"]*"[^>]*>(.*?)</li>', page.content.decode(), re.S
        )
    ]
    assert len(found) == 2
    assert found[0].endswith(f"flag {JIGGLER_WORDS}")
    assert found[1].endswith(f"flag {SAME}")
    assert "regular mouse" not in found[1]


def test_a_day_without_flags_shows_none(world: World, api: Client, device: EnrolledDevice) -> None:
    entry = TimeEntry(id=new_id(), started_at=START, stopped_at=START + dt.timedelta(minutes=10))
    assert post_batch(api, device, batch(device, time_entries=[entry])).status_code == 200
    page = client_of(world.manager).get(
        f"/members/{world.employee.pk}/activity/", {"day": DAY.isoformat()}
    )
    assert "timeline-flag" not in page.content.decode()
