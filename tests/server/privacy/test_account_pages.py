"""My Account (/account/), "what is collected about me" (/account/collected/) and the export
(/account/collected/export/)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World
from tracked_day import DAY, TrackedDay, track_day

from worklens_server.accounts.models import User
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Member
from worklens_server.privacy.models import ScreenshotAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(api: Client, world: World, device: EnrolledDevice) -> TrackedDay:
    return track_day(api, device, project=world.project)


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.mark.parametrize("path", ["/account/", "/account/collected/", "/account/collected/export/"])
def test_pages_need_login(world: World, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_update_and_remove_the_name(world: World) -> None:
    client = _client(world.employee)
    page = client.get("/account/")
    assert page.status_code == 200
    assert "employee@acme.example" in page.content.decode()
    assert 'value="Eli Employee"' in page.content.decode()

    response = client.post("/account/", {"action": "save", "full_name": "  Eli E. Employee "})
    assert response.status_code == 302
    assert User.objects.get(email="employee@acme.example").full_name == "Eli E. Employee"
    assert "Your details were saved." in client.get("/account/").content.decode()

    too_long = client.post("/account/", {"action": "save", "full_name": "x" * 201})
    assert too_long.status_code == 200
    assert "at most 200 characters" in too_long.content.decode()
    assert User.objects.get(email="employee@acme.example").full_name == "Eli E. Employee"

    zone = {"action": "save", "full_name": "Eli E. Employee", "timezone": "America/New_York"}
    assert client.post("/account/", zone).status_code == 302
    assert User.objects.get(email="employee@acme.example").timezone == "America/New_York"
    unknown = client.post("/account/", zone | {"timezone": "Mars/Olympus_Mons"})
    assert unknown.status_code == 200
    assert User.objects.get(email="employee@acme.example").timezone == "America/New_York"

    client.post("/account/", {"action": "remove"})
    user = User.objects.get(email="employee@acme.example")
    assert (user.full_name, user.timezone) == ("", "")
    assert "Your name and time zone were removed" in client.get("/account/").content.decode()


def test_account_page_of_a_user_without_company(world: World) -> None:
    client = Client()
    client.force_login(create_user(email="nobody@example.com", password="x" * 12))
    assert "You belong to no company." in client.get("/account/").content.decode()
    collected = client.get("/account/collected/")
    assert collected.status_code == 200
    assert "nothing is collected about you" in collected.content.decode()


def test_collected_shows_what_managers_see_and_who_viewed_my_screenshots(
    world: World, tracked: TrackedDay
) -> None:
    manager = _client(world.manager)
    manager.get(f"/screenshots/{tracked.screenshot_ids[0]}/")
    manager.get(f"/screenshots/{tracked.screenshot_ids[1]}/thumbnail/")
    _client(world.owner).get(f"/screenshots/{tracked.screenshot_ids[0]}/")
    day = {"day": DAY.isoformat()}
    managers_view = manager.get(f"/members/{world.employee.pk}/activity/", day).content.decode()

    employee = _client(world.employee)
    mine = employee.get("/account/collected/", day).content.decode()
    employee.get(f"/screenshots/{tracked.screenshot_ids[0]}/")  # their own: not audited

    def day_section(html: str) -> str:
        return html[html.index('<nav class="day-nav">') : html.index('<section id="urls"')]

    assert day_section(mine) == day_section(managers_view)
    viewers = mine[mine.index('id="viewers"') :]
    assert viewers.count("Mia Manager") == 2
    assert viewers.count("Olga Owner") == 1
    assert "Thumbnail" in viewers
    assert "test-host" in mine  # their device
    assert ScreenshotAccess.objects.filter(viewer=world.employee).count() == 0


def test_nobody_else_sees_my_viewers(world: World, tracked: TrackedDay) -> None:
    _client(world.manager).get(f"/screenshots/{tracked.screenshot_ids[0]}/")
    html = _client(world.loner).get("/account/collected/").content.decode()
    assert "Nobody else has viewed your screenshots." in html
    assert "Mia Manager" not in html


def test_export_holds_everything_about_me_with_decrypted_screenshots(
    world: World, tracked: TrackedDay
) -> None:
    _client(world.owner).get(f"/screenshots/{tracked.screenshot_ids[0]}/")

    response = _client(world.employee).get("/account/collected/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        data = json.loads(archive.read("data.json"))
        assert data["account"]["email"] == "employee@acme.example"
        assert data["account"]["full_name"] == "Eli Employee"
        (membership,) = data["memberships"]
        assert (membership["company"], membership["role"]) == ("Acme", "employee")
        assert membership["teams"] == [{"team": "Support", "manager": False}]
        (entry,) = membership["time_entries"]
        assert (entry["project__name"], entry["task__name"], entry["notes"]) == (
            "Website",
            "Build",
            "landing page",
        )
        assert [s["active_seconds"] for s in membership["activity_slots"]] == [600, 300, 150]
        assert len(membership["app_spans"]) == 4
        assert {s["url"] for s in membership["app_spans"]} == {
            "https://example.com/pricing",
            "https://example.com/docs",
            None,
        }
        assert {(t["app"], t["domain"], t["seconds"]) for t in membership["app_day_totals"]} == {
            ("Firefox", "example.com", 780),
            ("Terminal", "", 300),
        }
        assert membership["devices"][0]["hostname"] == "test-host"
        assert "token_hash" not in membership["devices"][0]
        assert [v["viewer"] for v in membership["screenshot_views_by_others"]] == ["Olga Owner"]
        assert [s["id"] for s in data["screenshots"]] == [str(i) for i in tracked.screenshot_ids]
        for record, image in zip(data["screenshots"], tracked.images, strict=True):
            assert archive.read(record["file"]) == image
        assert len(archive.namelist()) == 3


def test_export_holds_nothing_of_other_people(world: World, tracked: TrackedDay) -> None:
    response = _client(world.manager).get("/account/collected/export/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist() == ["data.json"]
        data = json.loads(archive.read("data.json"))
    assert data["screenshots"] == []
    assert data["memberships"][0]["time_entries"] == []
    assert "employee@acme.example" not in json.dumps(data)
