"""/account/delete/: a member deletes their own account after re-entering the password; their
rows and screenshot files go at once, other people's data stays, and the last owner of a company
with other members is told what to do first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from company_rows import files_under, rows_of_company
from django.test import Client
from server_testkit import EnrolledDevice, World, device_info
from tracked_day import TrackedDay, track_day

from worklens_server.accounts.models import User
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Company, Member
from worklens_server.companies.services import add_member, create_company
from worklens_server.devices.models import Device
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.privacy.models import ScreenshotAccess
from worklens_server.tracking.models import (
    ActivitySlot,
    AppSpan,
    MemberDayRollup,
    Screenshot,
    TimeEntry,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _client(member_or_user: Member | User) -> Client:
    client = Client()
    user = member_or_user.user if isinstance(member_or_user, Member) else member_or_user
    client.force_login(user)
    return client


def _held_about(member_id: object) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(member_id=member_id).count()
        for model in (TimeEntry, ActivitySlot, AppSpan, Screenshot, MemberDayRollup, Device)
    }


@pytest.fixture
def tracked(api: Client, world: World, device: EnrolledDevice) -> TrackedDay:
    day = track_day(api, device, project=world.project)
    # The employee, as a viewer, once looked at nothing; the owner looked at theirs.
    assert _client(world.owner).get(f"/screenshots/{day.screenshot_ids[0]}/").status_code == 200
    return day


@pytest.mark.django_db(transaction=True)
def test_employee_deletes_their_account_rows_and_files(
    api: Client, world: World, tracked: TrackedDay, settings: Any
) -> None:
    manager_device = _manager_device(api, world)
    media = Path(settings.MEDIA_ROOT)
    assert len(files_under(media)) == 4
    employee_id = world.employee.pk
    assert all(_held_about(employee_id).values())
    client = _client(world.employee)
    assert "Delete my account" in client.get("/account/delete/").content.decode()

    response = client.post("/account/delete/", {"password": PASSWORD})

    assert response.status_code == 200
    assert "Your account was deleted" in response.content.decode()
    assert '<strong class="files-deleted">2</strong>' in response.content.decode()
    assert not User.objects.filter(email="employee@acme.example").exists()
    assert not Member.objects.filter(pk=employee_id).exists()
    assert set(_held_about(employee_id).values()) == {0}
    assert ScreenshotAccess.objects.count() == 0
    remaining = files_under(media)
    assert len(remaining) == 2
    assert all(str(world.company.pk) in str(path) for path in remaining)
    assert set(manager_device.screenshot_ids) == set(
        Screenshot.objects.values_list("id", flat=True)
    )
    assert all(_held_about(world.manager.pk).values())
    assert Company.objects.filter(pk=world.company.pk).exists()
    assert client.get("/account/").status_code == 302  # signed out


def _manager_device(api: Client, world: World) -> TrackedDay:
    from server_testkit import EnrolledDevice

    enrollment = enroll_device(code=issue_enrollment_code(member=world.manager), info=device_info())
    return track_day(
        api,
        EnrolledDevice(
            device_id=enrollment.device.id, token=enrollment.token, member=world.manager
        ),
    )


def test_wrong_password_deletes_nothing(world: World, tracked: TrackedDay, settings: Any) -> None:
    files = files_under(Path(settings.MEDIA_ROOT))
    before = _held_about(world.employee.pk)

    response = _client(world.employee).post("/account/delete/", {"password": "nope"})

    assert response.status_code == 400
    assert "The password is not correct. Nothing was deleted." in response.content.decode()
    assert _held_about(world.employee.pk) == before
    assert files_under(Path(settings.MEDIA_ROOT)) == files
    assert ScreenshotAccess.objects.count() == 1


def test_viewer_deleting_their_account_keeps_the_subjects_audit_row(
    world: World, tracked: TrackedDay, django_capture_on_commit_callbacks: Any
) -> None:
    world.owner.role = Member.Role.MANAGER  # so that the owner's account may go
    world.owner.save()
    add_member(company=world.company, user=world.manager.user, role=Member.Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.owner).post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    (access,) = ScreenshotAccess.objects.all()
    assert access.viewer is None
    html = _client(world.employee).get("/account/collected/").content.decode()
    assert "a deleted account" in html


def test_last_owner_of_a_company_with_members_is_told_what_to_do(
    world: World, tracked: TrackedDay
) -> None:
    before = rows_of_company(world.company.pk)
    assert before["tracking.Screenshot.company_id"] > 0
    client = _client(world.owner)
    message = (
        "You are the last owner of Acme, which has other members. Make another member an "
        "owner, or cancel the company, before deleting your account. Nothing was deleted."
    )
    page = client.get("/account/delete/")
    assert page.status_code == 409
    assert message in page.content.decode()
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 409
    assert message in response.content.decode()
    assert User.objects.filter(email="owner@acme.example").exists()
    assert rows_of_company(world.company.pk) == before


def test_one_of_two_owners_may_leave(world: World, django_capture_on_commit_callbacks: Any) -> None:
    add_member(company=world.company, user=world.manager.user, role=Member.Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.owner).post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    assert Company.objects.filter(pk=world.company.pk).exists()
    assert not User.objects.filter(email="owner@acme.example").exists()


@pytest.mark.django_db(transaction=True)
def test_sole_member_takes_the_company_along(api: Client, settings: Any) -> None:
    from server_testkit import EnrolledDevice

    user = create_user(email="solo@example.com", password=PASSWORD)
    company = create_company(name="Solo", owner=user)
    member = Member.objects.get(user=user)
    enrollment = enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    track_day(
        api, EnrolledDevice(device_id=enrollment.device.id, token=enrollment.token, member=member)
    )
    company_dir = Path(settings.MEDIA_ROOT) / "screenshots" / str(company.pk)
    stray = company_dir / "stray.fernet"  # a file no row points at, such as a lost upload race
    stray.write_bytes(b"encrypted")
    client = _client(user)
    assert (
        "the company is deleted with your account"
        in client.get("/account/delete/").content.decode()
    )

    response = client.post("/account/delete/", {"password": PASSWORD})

    assert response.status_code == 200
    assert set(rows_of_company(company.pk).values()) == {0}
    assert files_under(Path(settings.MEDIA_ROOT)) == []
    assert not company_dir.exists()


def test_user_without_company_can_delete_the_account(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    user = create_user(email="nobody@example.com", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(user).post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    assert not User.objects.filter(email="nobody@example.com").exists()
