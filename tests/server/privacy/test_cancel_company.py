"""/company/cancel/: an owner, after re-entering the password, deletes every row and every file
of the company at once, and receives a confirmation e-mail over real SMTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from company_rows import company_tables, files_under, rows_of_company
from django.test import Client
from server_testkit import EnrolledDevice, World
from tracked_day import TrackedDay, track_day

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.accounts.models import User
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Company, Member
from worklens_server.companies.services import add_member, create_company
from worklens_server.privacy.deletion import DeletionRefused, cancel_company
from worklens_server.privacy.models import ScreenshotAccess

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def tracked(
    api: Client, world: World, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> TrackedDay:
    track_day(api, outsider_device)  # the other company's data must survive
    day = track_day(api, device, project=world.project)
    owner = Client()
    owner.force_login(world.owner.user)
    assert owner.get(f"/screenshots/{day.screenshot_ids[0]}/").status_code == 200
    return day


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_company_tables_include_every_kind_of_data() -> None:
    labels = {label for label, _table, _column in company_tables()}
    assert {
        "companies.Company",
        "companies.Member",
        "companies.Team",
        "projects.Project",
        "devices.Device",
        "devices.EnrollmentCode",
        "policies.Policy",
        "tracking.TimeEntry",
        "tracking.ActivitySlot",
        "tracking.AppSpan",
        "tracking.Screenshot",
        "tracking.MemberDayRollup",
        "privacy.ScreenshotAccess",
    } <= labels


@pytest.mark.parametrize("who", ["manager", "employee", "outsider_employee"])
def test_only_an_owner_may_cancel(world: World, tracked: TrackedDay, who: str) -> None:
    before = rows_of_company(world.company.pk)
    assert before["tracking.Screenshot.company_id"] > 0
    client = _client(getattr(world, who))
    page = client.get("/company/cancel/")
    assert page.status_code == 403
    assert "Only an owner of a company can cancel it." in page.content.decode()
    assert client.post("/company/cancel/", {"password": PASSWORD}).status_code == 403
    assert rows_of_company(world.company.pk) == before


def test_wrong_password_deletes_nothing(world: World, tracked: TrackedDay, settings: Any) -> None:
    before = rows_of_company(world.company.pk)
    files = files_under(Path(settings.MEDIA_ROOT))

    response = _client(world.owner).post("/company/cancel/", {"password": "not it"})

    assert response.status_code == 400
    assert "The password is not correct. Nothing was deleted." in response.content.decode()
    assert rows_of_company(world.company.pk) == before
    assert files_under(Path(settings.MEDIA_ROOT)) == files


@pytest.mark.django_db(transaction=True)
def test_cancel_deletes_every_row_and_file_and_mails_the_owner(
    world: World, tracked: TrackedDay, settings: Any, smtp: SmtpSink
) -> None:
    """Real transactions, as in production: the files go when the deletion commits, before the
    page that reports them is rendered."""
    media = Path(settings.MEDIA_ROOT)
    company_dir = media / "screenshots" / str(world.company.pk)
    other_dir = media / "screenshots" / str(world.outsider_company.pk)
    assert len(files_under(company_dir)) == 2
    stray = company_dir / "stray.fernet"  # a file no row points at, such as a lost upload race
    stray.write_bytes(b"encrypted")
    other_files = files_under(other_dir)
    other_rows = rows_of_company(world.outsider_company.pk)
    before = rows_of_company(world.company.pk)
    assert all(before[key] > 0 for key in before if "Screenshot" in key or "tracking" in key)
    # A member who also belongs to another company keeps their account (and that membership).
    add_member(company=world.outsider_company, user=world.loner.user, role=Member.Role.EMPLOYEE)
    client = _client(world.owner)
    assert "Cancel Acme" in client.get("/company/cancel/").content.decode()

    response = client.post("/company/cancel/", {"password": PASSWORD})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme was cancelled" in html
    assert '<strong class="files-deleted">3</strong>' in html
    assert set(rows_of_company(world.company.pk).values()) == {0}
    assert files_under(company_dir) == []
    assert not company_dir.exists()
    assert files_under(other_dir) == other_files
    assert rows_of_company(world.outsider_company.pk) == other_rows | {
        "companies.Member.company_id": other_rows["companies.Member.company_id"] + 1
    }
    assert set(User.objects.values_list("email", flat=True)) == {
        "boss@other.example",
        "worker@other.example",
        "loner@acme.example",
    }
    assert ScreenshotAccess.objects.count() == 0
    [message] = smtp.wait_for("owner@acme.example")
    assert message["Subject"] == "Acme was cancelled and its data deleted"
    assert "Everything the company held has been deleted" in text_body(message)
    # The owner's account went with the company: the session is over.
    assert client.get("/account/").status_code == 302


def test_service_counts_what_it_deleted(
    world: World, tracked: TrackedDay, django_capture_on_commit_callbacks: Any
) -> None:
    before = rows_of_company(world.company.pk)
    with django_capture_on_commit_callbacks(execute=True):
        report = cancel_company(company=world.company, requested_by=world.owner)
    assert report.files == 2
    assert report.rows["companies.Company"] == 1
    assert report.rows["companies.Member"] == before["companies.Member.company_id"] == 4
    assert report.rows["tracking.ActivitySlot"] == 3
    assert report.rows["tracking.AppSpan"] == 4
    assert report.rows["tracking.Screenshot"] == 2
    assert report.rows["privacy.ScreenshotAccess"] == 1
    assert report.rows["accounts.User"] == 4
    assert not Company.objects.filter(pk=world.company.pk).exists()


def test_owner_in_two_companies_keeps_the_account(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    add_member(company=world.outsider_company, user=world.owner.user, role=Member.Role.EMPLOYEE)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_company(company=world.company, requested_by=world.owner)
    assert User.objects.filter(email="owner@acme.example").exists()
    assert not Member.objects.filter(company_id=world.company.pk).exists()


def test_another_companys_owner_cannot_cancel_this_one(world: World) -> None:
    with pytest.raises(DeletionRefused, match=r"^Only an owner of the company can cancel it\."):
        cancel_company(company=world.company, requested_by=world.outsider_owner)
    with pytest.raises(DeletionRefused):
        cancel_company(company=world.company, requested_by=world.manager)
    assert Company.objects.filter(pk=world.company.pk).exists()


def test_owner_without_tracked_data_can_cancel(
    db: None, django_capture_on_commit_callbacks: Any, smtp: SmtpSink
) -> None:
    user = create_user(email="solo@example.com", password=PASSWORD)
    company = create_company(name="Solo", owner=user)
    client = Client()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/company/cancel/", {"password": PASSWORD}).status_code == 200
    assert set(rows_of_company(company.pk).values()) == {0}
    assert smtp.wait_for("solo@example.com")


def test_owner_finds_cancellation_on_company_settings_and_my_account(world: World) -> None:
    client = _client(world.owner)
    assert 'href="/company/cancel/"' in client.get("/company/settings/").content.decode()
    assert 'href="/company/cancel/"' in client.get("/account/").content.decode()
    assert (
        'href="/company/cancel/"' not in _client(world.employee).get("/account/").content.decode()
    )
