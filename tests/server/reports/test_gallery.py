"""The screenshot gallery (/members/<id>/gallery/ and /team/gallery/): a day's screenshots by the
hour of each member's clock, each with its slot's activity and app; blurred ones and records
without an image say so; every image it shows is audited like any other look at a screenshot."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, batch, post_batch
from tracked_day import DAY, START, TrackedDay, track_day

from worklens_server.companies.models import Member
from worklens_server.privacy.models import ScreenshotAccess
from worklens_wire import new_id
from worklens_wire.v1 import ScreenshotRecord

pytestmark = pytest.mark.django_db


def client_of(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def shots(page: str) -> list[str]:
    return [
        text(item)
        for item in re.findall(r'<li class="gallery-shot[^"]*"[^>]*>(.*?)</li>', page, re.S)
    ]


@pytest.fixture
def day(api: Client, world: World, device: EnrolledDevice) -> TrackedDay:
    tracked = track_day(api, device, project=world.project)
    records = [
        ScreenshotRecord(
            id=new_id(),
            time_entry_id=tracked.entry_id,
            taken_at=START + dt.timedelta(minutes=25),
            skipped_reason="deleted_by_employee",
        ),
        ScreenshotRecord(
            id=new_id(),
            time_entry_id=tracked.entry_id,
            taken_at=START + dt.timedelta(minutes=28),
            skipped_reason="private_app",
        ),
    ]
    assert post_batch(api, device, batch(device, screenshots=records)).status_code == 200
    return tracked


def test_a_members_gallery_groups_by_hour_with_activity_and_app(
    world: World, day: TrackedDay
) -> None:
    page = client_of(world.manager).get(
        f"/members/{world.employee.pk}/gallery/", {"day": DAY.isoformat()}
    )
    content = page.content.decode()
    assert re.findall(r'<h2 id="hour-\d+">([^<]*)</h2>', content) == ["12:00"]
    found = shots(content)
    assert found[0] == "12:03:00 Firefox · 100 % active"
    assert found[1] == "12:13:00 Terminal · 50 % active"
    assert found[2].startswith("deleted by the employee 12:25:00")
    assert found[3].startswith("skipped: a private app was in front 12:28:00")
    assert "4 screenshots, 2 with an image" in text(content)
    assert "is recorded" in text(content)


def test_every_image_the_gallery_shows_a_manager_is_audited(world: World, day: TrackedDay) -> None:
    manager = client_of(world.manager)
    page = manager.get("/team/gallery/", {"day": DAY.isoformat()}).content.decode()
    thumbnails = re.findall(r'<img src="(/screenshots/[0-9a-f-]+/thumbnail/)"', page)
    full = re.findall(r'data-full="(/screenshots/[0-9a-f-]+/)"', page)
    assert len(thumbnails) == len(full) == 2
    for url in thumbnails + full + full[:1]:
        assert manager.get(url).status_code == 200
    audited = ScreenshotAccess.objects.filter(subject=world.employee, viewer=world.manager)
    assert audited.filter(variant="thumbnail").count() == 2
    assert audited.filter(variant="full").count() == 3
    # The employee's own looks are not "someone viewed your screenshots".
    own = client_of(world.employee)
    own_page = own.get(f"/members/{world.employee.pk}/gallery/", {"day": DAY.isoformat()})
    for url in re.findall(r'data-full="(/screenshots/[0-9a-f-]+/)"', own_page.content.decode()):
        assert own.get(url).status_code == 200
    assert ScreenshotAccess.objects.count() == 5
    listed = own.get("/account/collected/").content.decode()
    assert text(listed).count("Mia Manager") >= 5


def test_the_team_gallery_shows_only_whom_the_viewer_sees(world: World, day: TrackedDay) -> None:
    query = {"day": DAY.isoformat()}
    assert len(shots(client_of(world.owner).get("/team/gallery/", query).content.decode())) == 4
    assert len(shots(client_of(world.loner).get("/team/gallery/", query).content.decode())) == 0
    loner = client_of(world.loner).get(f"/members/{world.employee.pk}/gallery/", query)
    assert loner.status_code == 404
    other = client_of(world.outsider_owner).get(f"/members/{world.employee.pk}/gallery/", query)
    assert other.status_code == 404


def test_blurred_screenshots_are_marked(
    api: Client, world: World, device: EnrolledDevice, day: TrackedDay
) -> None:
    record = ScreenshotRecord(
        id=new_id(),
        time_entry_id=day.entry_id,
        taken_at=START + dt.timedelta(minutes=29),
        blurred=True,
    )
    assert post_batch(api, device, batch(device, screenshots=[record])).status_code == 200
    page = client_of(world.owner).get("/team/gallery/", {"day": DAY.isoformat()})
    content = page.content.decode()
    assert content.count('class="gallery-shot blurred missing"') == 1
    assert shots(content)[-1].endswith("blurred")
