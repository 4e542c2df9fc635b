"""Members and teams pages: who sees whom, role changes (the last owner stays), teams and their
managers; a manager's view follows the teams they manage."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from server_testkit import NOW, EnrolledDevice, World, batch, post_batch, time_entry

from worklens_server.companies.models import Member, Team, TeamMembership
from worklens_server.companies.selectors import get_visible_members
from worklens_server.reports.selectors import get_team_today
from worklens_server.tracking.models import Screenshot
from worklens_wire import new_id
from worklens_wire.v1 import ScreenshotRecord

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _emails_on_members_page(member: Member) -> set[str]:
    page = _client(member).get("/members/").content.decode()
    shown = set(re.findall(r'<tr data-member="([0-9a-f-]+)"', page))
    return set(Member.objects.filter(pk__in=shown).values_list("user__email", flat=True))


def test_members_page_owner_sees_the_company_manager_their_teams_employee_is_refused(
    world: World,
) -> None:
    assert _emails_on_members_page(world.owner) == {
        "owner@acme.example",
        "manager@acme.example",
        "employee@acme.example",
        "loner@acme.example",
    }
    assert _emails_on_members_page(world.manager) == {
        "manager@acme.example",
        "employee@acme.example",
    }
    assert _client(world.employee).get("/members/").status_code == 403


def test_owner_changes_a_role_with_htmx_and_the_row_comes_back(world: World) -> None:
    response = _client(world.owner).post(
        f"/members/{world.loner.pk}/role/", {"role": "manager"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr data-member="{world.loner.pk}"')
    world.loner.refresh_from_db()
    assert world.loner.role == Member.Role.MANAGER


def test_the_last_owner_cannot_be_demoted_or_removed(world: World) -> None:
    owner = _client(world.owner)
    response = owner.post(f"/members/{world.owner.pk}/role/", {"role": "employee"}, follow=True)
    assert "the last owner cannot be demoted; make someone else owner first" in (
        response.content.decode()
    )
    response = owner.post(f"/members/{world.owner.pk}/remove/", follow=True)
    assert "the last owner cannot be removed" in response.content.decode()
    world.owner.refresh_from_db()
    assert world.owner.role == Member.Role.OWNER
    # With a second owner, the first may step down.
    owner.post(f"/members/{world.manager.pk}/role/", {"role": "owner"})
    owner.post(f"/members/{world.owner.pk}/role/", {"role": "employee"})
    world.owner.refresh_from_db()
    assert world.owner.role == Member.Role.EMPLOYEE


def test_only_owners_change_roles_or_remove_members(world: World) -> None:
    manager = _client(world.manager)
    assert manager.post(f"/members/{world.employee.pk}/role/", {"role": "owner"}).status_code == 403
    assert manager.post(f"/members/{world.employee.pk}/remove/").status_code == 403
    world.employee.refresh_from_db()
    assert world.employee.role == Member.Role.EMPLOYEE


def test_owner_removes_a_member(world: World) -> None:
    response = _client(world.owner).post(f"/members/{world.loner.pk}/remove/")
    assert response.status_code == 302
    assert not Member.objects.filter(pk=world.loner.pk).exists()


def test_demoting_a_manager_ends_their_view_of_the_team(world: World) -> None:
    _client(world.owner).post(f"/members/{world.manager.pk}/role/", {"role": "employee"})
    assert not TeamMembership.objects.filter(member=world.manager, is_manager=True).exists()
    manager = Member.objects.get(pk=world.manager.pk)
    assert list(get_visible_members(viewer=manager)) == [manager]
    assert [row.email for row in get_team_today(viewer=manager)] == ["manager@acme.example"]


def test_owner_builds_a_team_and_its_manager_then_sees_only_it(world: World) -> None:
    owner = _client(world.owner)
    assert owner.post("/teams/", {"name": "Support"}).status_code == 400  # already exists
    created = owner.post("/teams/", {"name": "  Night   shift "})
    team = Team.objects.get(company=world.company, name="Night shift")
    assert created["Location"] == f"/teams/{team.pk}/"
    owner.post(f"/teams/{team.pk}/members/", {"member": str(world.loner.pk)})
    refused = owner.post(
        f"/teams/{team.pk}/members/{world.loner.pk}/manager/",
        {"is_manager": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 200  # htmx swaps the fragment, which shows the error
    assert "give them the manager role first" in refused.content.decode()
    assert not TeamMembership.objects.filter(team=team, is_manager=True).exists()
    owner.post(f"/teams/{team.pk}/members/", {"member": str(world.manager.pk), "is_manager": "on"})
    manager = Member.objects.get(pk=world.manager.pk)
    assert {row.email for row in get_team_today(viewer=manager)} == {
        "manager@acme.example",
        "employee@acme.example",
        "loner@acme.example",
    }
    # Unmarked as this team's manager: the loner drops out of the manager's view.
    owner.post(f"/teams/{team.pk}/members/{world.manager.pk}/manager/", {})
    assert "loner@acme.example" not in {row.email for row in get_team_today(viewer=manager)}
    owner.post(f"/teams/{team.pk}/rename/", {"name": "Late shift"})
    team.refresh_from_db()
    assert team.name == "Late shift"
    owner.post(f"/teams/{team.pk}/members/{world.loner.pk}/remove/")
    assert not TeamMembership.objects.filter(team=team, member=world.loner).exists()
    owner.post(f"/teams/{team.pk}/delete/")
    assert not Team.objects.filter(pk=team.pk).exists()
    assert Member.objects.filter(pk=world.loner.pk).exists()


def test_teams_pages_are_for_owners(world: World) -> None:
    assert _client(world.manager).get("/teams/").status_code == 403
    assert _client(world.manager).get(f"/teams/{world.team.pk}/").status_code == 403
    assert _client(world.outsider_owner).get(f"/teams/{world.team.pk}/").status_code == 404
    page = _client(world.owner).get(f"/teams/{world.team.pk}/").content.decode()
    assert "manager@acme.example" in page
    assert "employee@acme.example" in page


def test_removing_a_member_deletes_their_screenshot_files(
    world: World,
    device: EnrolledDevice,
    api: Client,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    entry = time_entry()
    assert post_batch(api, device, batch(device, time_entries=[entry])).status_code == 200
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buffer, format="WEBP")
    record = ScreenshotRecord(
        id=new_id(), time_entry_id=entry.id, taken_at=NOW, width=32, height=24
    )
    uploaded = api.post(
        "/api/v1/screenshots",
        data={
            "meta": record.model_dump_json(),
            "image": SimpleUploadedFile("s.webp", buffer.getvalue(), content_type="image/webp"),
        },
        **device.auth,
    )
    assert uploaded.status_code == 200, uploaded.content
    on_disk = Path(settings.MEDIA_ROOT) / Screenshot.objects.get(id=record.id).image
    assert on_disk.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.owner).post(f"/members/{world.employee.pk}/remove/")
    assert response.status_code == 302
    assert not Screenshot.objects.filter(id=record.id).exists()
    assert not on_disk.exists()
