"""GET /screenshots/<uuid>/ and /screenshots/<uuid>/thumbnail/: decrypted for those who may see
the member, 404 for everyone else, and every view by someone other than the person in the
screenshot leaves an audit row (who, whose, which, when, from where)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image
from server_testkit import EnrolledDevice, World
from tracked_day import TrackedDay, track_day

from worklens_server.companies.models import Member
from worklens_server.companies.services import add_team_member, create_team
from worklens_server.privacy.models import ScreenshotAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(api: Client, device: EnrolledDevice) -> TrackedDay:
    return track_day(api, device)


def _client(member: Member) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(member.user)
    return client


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_owner_and_team_manager_see_the_image_and_are_audited(
    world: World, tracked: TrackedDay, who: str
) -> None:
    viewer: Member = getattr(world, who)
    shot_id = tracked.screenshot_ids[0]

    response = _client(viewer).get(f"/screenshots/{shot_id}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == tracked.images[0]
    (access,) = ScreenshotAccess.objects.all()
    assert access.viewer_id == viewer.pk
    assert access.viewer_role == viewer.role
    assert access.subject_id == world.employee.pk
    assert access.company_id == world.company.pk
    assert access.screenshot_id == shot_id
    assert access.variant == "full"
    assert access.ip_address == "203.0.113.7"
    assert access.accessed_at is not None


def test_thumbnail_is_a_small_webp_and_is_audited_too(world: World, tracked: TrackedDay) -> None:
    response = _client(world.manager).get(f"/screenshots/{tracked.screenshot_ids[1]}/thumbnail/")

    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        assert (image.format, image.size) == ("WEBP", (320, 200))
        assert image.convert("RGB").getpixel((160, 100))[2] > 150  # the blue screenshot
    assert list(ScreenshotAccess.objects.values_list("variant", "viewer_id")) == [
        ("thumbnail", world.manager.pk)
    ]


def test_the_person_in_the_screenshot_sees_it_without_an_audit_row(
    world: World, tracked: TrackedDay
) -> None:
    client = _client(world.employee)
    for shot_id in tracked.screenshot_ids:
        assert client.get(f"/screenshots/{shot_id}/").status_code == 200
        assert client.get(f"/screenshots/{shot_id}/thumbnail/").status_code == 200
    assert ScreenshotAccess.objects.count() == 0


@pytest.mark.parametrize("who", ["loner", "outsider_owner", "outsider_employee"])
def test_others_get_404_and_leave_no_row(world: World, tracked: TrackedDay, who: str) -> None:
    client = _client(getattr(world, who))
    for shot_id in tracked.screenshot_ids:
        assert client.get(f"/screenshots/{shot_id}/").status_code == 404
        assert client.get(f"/screenshots/{shot_id}/thumbnail/").status_code == 404
    assert ScreenshotAccess.objects.count() == 0


def test_manager_of_another_team_gets_404(world: World, tracked: TrackedDay) -> None:
    add_team_member(
        team=create_team(company=world.company, name="Sales"), member=world.loner, is_manager=True
    )
    response = _client(world.loner).get(f"/screenshots/{tracked.screenshot_ids[0]}/")
    assert response.status_code == 404
    assert ScreenshotAccess.objects.count() == 0


def test_anonymous_is_sent_to_login(world: World, tracked: TrackedDay) -> None:
    response = Client().get(f"/screenshots/{tracked.screenshot_ids[0]}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert ScreenshotAccess.objects.count() == 0


def test_every_view_is_one_row(world: World, tracked: TrackedDay) -> None:
    client = _client(world.owner)
    for _ in range(3):
        client.get(f"/screenshots/{tracked.screenshot_ids[0]}/")
    assert ScreenshotAccess.objects.filter(viewer=world.owner).count() == 3
