"""Where alerts are shown: Team today for those who see the member (a strip and a badge), the
member's own "What is collected about me", and the owner's settings page."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from alerts_kit import DEFAULTS, check, set_alerts
from django.test import Client
from server_testkit import EnrolledDevice, World
from time_machine import TimeMachineFixture

from worklens_server.accounts.services import create_user
from worklens_server.alerts.models import Alert, AlertSettings
from worklens_server.companies.models import Member
from worklens_server.companies.services import add_member, add_team_member, create_team

pytestmark = pytest.mark.django_db


def _page(member: Member, path: str) -> str:
    client = Client()
    client.force_login(member.user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_team_today_shows_an_alert_to_those_who_see_the_member(
    world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    other_manager = add_member(
        company=world.company,
        user=create_user(email="other-manager@acme.example", password="x" * 12, verified=True),
        role=Member.Role.MANAGER,
    )
    add_team_member(
        team=create_team(company=world.company, name="Sales"), member=other_manager, is_manager=True
    )
    check()  # 12:00: the employee has tracked nothing since 10:00
    assert Alert.objects.filter(kind="not_tracking", member=world.employee).count() == 1

    for viewer in (world.manager, world.owner, world.employee):
        page = _page(viewer, "/team/today/")
        assert 'data-alert="not_tracking"' in page
        assert "no time tracked today by 10:00" in page
        assert 'class="badge alert">alert</a>' in page
    for viewer in (other_manager, world.loner):
        page = _page(viewer, "/team/today/")
        assert 'data-alert="not_tracking"' not in page
        assert "no time tracked today" not in page
    htmx = Client()
    htmx.force_login(world.manager.user)
    partial = htmx.get("/team/today/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-alert="not_tracking"' in partial  # the refreshed table brings it too


def test_the_member_sees_the_alerts_about_them(
    world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    check()
    time_machine.shift(dt.timedelta(hours=6))  # 18:00: the working day is over, it closes
    check()
    page = _page(world.employee, "/account/collected/")
    assert 'data-alert="not_tracking"' in page
    assert "no time tracked today by 10:00" in page
    assert "still open" not in page
    assert 'data-alert="' not in _page(world.loner, "/account/collected/")


def test_the_owner_sets_working_hours_and_switches(world: World) -> None:
    page = _page(world.owner, "/company/alerts/")
    assert "Working days" in page
    assert "Silent for more than (minutes)" in page

    response = set_alerts(
        world,
        days=["0", "2"],
        work_starts="08:00",
        work_ends="16:30",
        silent_on=False,
        silent_minutes="45",
        low_activity_percent="15",
    )
    assert response.status_code == 302
    stored = AlertSettings.objects.get(company=world.company)
    assert (stored.working_days, stored.work_starts, stored.work_ends) == (
        "02",
        dt.time(8),
        dt.time(16, 30),
    )
    assert (stored.silent_on, stored.silent_minutes, stored.low_activity_percent) == (False, 45, 15)
    assert stored.sources_on
    assert stored.not_tracking_on
    assert stored.low_activity_on


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"work_starts": "17:00", "work_ends": "09:00"},
            "Working hours must end after they start.",
        ),
        ({"not_tracking_by": "18:00"}, "A time within the working hours."),
        ({"silent_minutes": "2"}, "At least 5 minutes"),
        ({"low_activity_percent": "150"}, "A percentage of at most 100."),
    ],
)
def test_settings_that_make_no_sense_are_refused(
    world: World, changes: dict[str, str], error: str
) -> None:
    response = set_alerts(world, **changes)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not AlertSettings.objects.exists()
    assert set(DEFAULTS) >= set(changes)


def test_the_export_holds_the_alerts_about_me_and_only_mine(
    world: World, device: EnrolledDevice
) -> None:
    check()  # 12:00: the employee has tracked nothing since 10:00
    client = Client()
    client.force_login(world.employee.user)
    response = client.get("/account/collected/export/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        [membership] = json.loads(archive.read("data.json"))["memberships"]
    [alert] = membership["alerts"]
    assert alert["kind"] == "not_tracking"
    assert alert["detail"] == "no time tracked today by 10:00"
    assert alert["closed_at"] is None

    client.force_login(world.manager.user)
    response = client.get("/account/collected/export/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        [membership] = json.loads(archive.read("data.json"))["memberships"]
    assert membership["alerts"] == []
