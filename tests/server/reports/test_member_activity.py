"""The member activity page /members/<uuid>/activity/?day=: who may open it, and what it shows."""

from __future__ import annotations

import uuid
import zoneinfo

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World
from tracked_day import DAY, START, TrackedDay, track_day

from worklens_server.companies.models import Member
from worklens_server.companies.services import add_team_member, create_team
from worklens_server.reports.member_day import get_member_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(api: Client, world: World, device: EnrolledDevice) -> TrackedDay:
    return track_day(api, device, project=world.project)


def _page(client: Client, member: Member, **params: str) -> object:
    return client.get(f"/members/{member.pk}/activity/", {"day": DAY.isoformat(), **params})


def _viewer(world: World, who: str) -> Member:
    return {
        "owner": world.owner,
        "team manager": world.manager,
        "employee self": world.employee,
        "other employee": world.loner,
        "other company owner": world.outsider_owner,
        "other company employee": world.outsider_employee,
    }[who]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("team manager", 200),
        ("employee self", 200),
        ("other employee", 404),
        ("other company owner", 404),
        ("other company employee", 404),
    ],
)
def test_who_may_open_the_employees_day(
    world: World, tracked: TrackedDay, who: str, status: int
) -> None:
    client = Client()
    client.force_login(_viewer(world, who).user)
    response = _page(client, world.employee)
    assert response.status_code == status  # type: ignore[attr-defined]


def test_manager_of_another_team_gets_404(world: World, tracked: TrackedDay) -> None:
    other_team = create_team(company=world.company, name="Sales")
    add_team_member(team=other_team, member=world.loner, is_manager=True)
    world.loner.role = Member.Role.MANAGER
    world.loner.save()
    client = Client()
    client.force_login(world.loner.user)
    assert _page(client, world.employee).status_code == 404  # type: ignore[attr-defined]
    assert _page(client, world.loner).status_code == 200  # type: ignore[attr-defined]


def test_unknown_member_and_anonymous(world: World) -> None:
    client = Client()
    response = client.get(f"/members/{world.employee.pk}/activity/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(world.owner.user)
    assert client.get(f"/members/{uuid.uuid4()}/activity/").status_code == 404


def test_bad_day_is_a_clear_400(world: World) -> None:
    client = Client()
    client.force_login(world.owner.user)
    response = _page(client, world.employee, day="2026-13-45")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "is not a date of the form YYYY-MM-DD" in response.content.decode()  # type: ignore[attr-defined]


def test_day_shows_timesheet_activity_screenshots_apps_titles_and_urls(
    world: World, tracked: TrackedDay
) -> None:
    day = get_member_day(member=world.employee, day=DAY)

    (entry,) = day.entries
    assert (entry.project, entry.task, entry.notes) == ("Website", "Build", "landing page")
    assert entry.tracked_seconds == 1800
    assert [slot.activity_percent for slot in entry.slots] == [100, 50, 25]
    assert day.activity_percent == round(100 * 1050 / 1800)
    assert [shot.id for shot in day.screenshots] == tracked.screenshot_ids
    assert [(row.label, row.seconds) for row in day.apps] == [("Firefox", 780), ("Terminal", 300)]
    assert [(row.label, row.app, row.seconds) for row in day.titles] == [
        ("Pricing - Example", "Firefox", 660),
        ("make test", "Terminal", 300),
        ("Docs - Example", "Firefox", 120),
    ]
    assert [(row.label, row.seconds) for row in day.urls] == [
        ("https://example.com/pricing", 660),
        ("https://example.com/docs", 120),
    ]
    # Another day holds none of it.
    empty = get_member_day(member=world.employee, day=DAY.replace(year=DAY.year - 1))
    assert (empty.entries, empty.screenshots, empty.apps) == ([], [], [])


def test_page_renders_the_day_with_links_to_the_screenshots(
    world: World, tracked: TrackedDay
) -> None:
    client = Client()
    client.force_login(world.manager.user)
    html = _page(client, world.employee).content.decode()  # type: ignore[attr-defined]
    assert "Eli Employee" in html
    assert "landing page" in html
    assert "Website" in html
    assert "0:30:00" in html
    assert "https://example.com/pricing" in html
    assert "0:11:00" in html  # 660 s on the pricing page
    assert "make test" in html
    for shot_id in tracked.screenshot_ids:
        assert f'href="/screenshots/{shot_id}/"' in html
        assert f'src="/screenshots/{shot_id}/thumbnail/"' in html
    assert "is recorded" in html
    # Times are the company's (Europe/Berlin), not the server's UTC.
    local_start = START.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert f"<td>{local_start:%H:%M}</td>" in html
    assert f"<td>{START:%H:%M}</td>" not in html


def test_team_today_links_each_member_to_their_activity(world: World) -> None:
    client = Client()
    client.force_login(world.owner.user)
    html = client.get("/team/today/").content.decode()
    for member in (world.owner, world.manager, world.employee, world.loner):
        assert f'href="/members/{member.pk}/activity/"' in html
