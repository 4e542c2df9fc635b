"""The "Team today" page: who sees whom, and what each row says."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from server_testkit import (
    PINNED_NOW,
    EnrolledDevice,
    World,
    batch,
    post_batch,
    slot,
    span,
    time_entry,
)

from worklens_server.companies.models import Member
from worklens_server.reports.selectors import get_team_today

pytestmark = pytest.mark.django_db


def _track_today(api: Client, device: EnrolledDevice) -> None:
    """Two one-minute slots, one after the other, from the pinned "now" (midday in the
    company's zone, so "today" there) and two app spans."""
    now = PINNED_NOW
    entry = time_entry(started_at=now)
    sent = batch(
        device,
        time_entries=[entry],
        slots=[
            slot(entry.id, started_at=now, active_seconds=30),
            slot(entry.id, started_at=now + dt.timedelta(seconds=60), active_seconds=60),
        ],
        app_spans=[
            span(entry.id, app="Terminal", started_at=now, ended_at=now),
            span(
                entry.id,
                app="Firefox",
                started_at=now + dt.timedelta(seconds=5),
                ended_at=now + dt.timedelta(seconds=9),
            ),
        ],
    )
    assert post_batch(api, device, sent).status_code == 200


def _emails(member: Member) -> list[str]:
    return sorted(row.email for row in get_team_today(viewer=member))


def test_owner_sees_the_whole_company(world: World) -> None:
    assert _emails(world.owner) == [
        "employee@acme.example",
        "loner@acme.example",
        "manager@acme.example",
        "owner@acme.example",
    ]


def test_manager_sees_the_teams_they_manage_and_themselves(world: World) -> None:
    assert _emails(world.manager) == ["employee@acme.example", "manager@acme.example"]


def test_employee_sees_only_themselves(world: World) -> None:
    assert _emails(world.employee) == ["employee@acme.example"]
    assert _emails(world.loner) == ["loner@acme.example"]


def test_outsider_sees_none_of_another_companys_members(world: World) -> None:
    assert _emails(world.outsider_owner) == ["boss@other.example", "worker@other.example"]


def test_row_shows_tracked_time_activity_current_app_and_last_seen(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    _track_today(api, device)
    rows = {row.email: row for row in get_team_today(viewer=world.owner)}
    row = rows["employee@acme.example"]
    assert (row.tracked_seconds, row.active_seconds, row.activity_percent) == (120, 90, 75)
    assert row.tracked_display == "0:02:00"
    assert row.current_app == "Firefox"
    assert (row.current_url, row.current_site) == ("https://example.com/report", "example.com")
    assert row.last_seen_at is not None
    idle = rows["loner@acme.example"]
    assert (idle.tracked_seconds, idle.activity_percent, idle.current_app) == (0, None, None)
    assert (idle.current_url, idle.current_site) == (None, None)
    assert idle.last_seen_at is None


def test_an_app_of_an_earlier_day_is_not_shown_as_current(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    """Yesterday's last app is not what someone has in front now: the row says so."""
    _track_today(api, device)
    with time_machine.travel(PINNED_NOW + dt.timedelta(days=1), tick=False):
        rows = {row.email: row for row in get_team_today(viewer=world.owner)}
        page = Client()
        page.force_login(world.owner.user)
        html = page.get("/team/today/").content.decode()
    row = rows["employee@acme.example"]
    assert (row.current_app, row.current_app_since, row.current_url) == (None, None, None)
    assert row.earlier_app == "Firefox"
    assert row.earlier_app_at == PINNED_NOW + dt.timedelta(seconds=5)
    assert "since" not in html
    assert "last: Firefox, Wed 17 Jun" in html


def test_page_needs_login_and_redirects_home(api: Client, world: World) -> None:
    response = api.get("/team/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    api.force_login(world.owner.user)
    assert api.get("/")["Location"] == "/team/today/"


def test_page_renders_rows_and_htmx_partial(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    _track_today(api, device)
    api.force_login(world.manager.user)

    page = api.get("/team/today/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 30s"' in html
    assert "htmx.min.js" in html
    assert "Eli Employee" in html
    assert "Firefox" in html
    assert '<span class="site" title="https://example.com/report">example.com</span>' in html
    assert "75&nbsp;%" in html
    assert "Lou Loner" not in html
    assert "Olga Owner" not in html

    partial = api.get("/team/today/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert partial.content.decode().lstrip().startswith("<table")


def test_outsider_page_shows_no_other_company_member(api: Client, world: World) -> None:
    api.force_login(world.outsider_owner.user)
    html = api.get("/team/today/").content.decode()
    assert "worker@other.example" in html
    assert "acme.example" not in html


def test_user_without_company_gets_403(api: Client, world: World) -> None:
    from worklens_server.accounts.services import create_user

    api.force_login(create_user(email="nobody@example.com", password="x" * 12))
    response = api.get("/team/today/")
    assert response.status_code == 403
    assert "not a member of any company" in response.content.decode()


def test_htmx_is_served_as_a_static_file(api: Client) -> None:
    response = api.get("/static/worklens/htmx.min.js")
    assert response.status_code == 200
