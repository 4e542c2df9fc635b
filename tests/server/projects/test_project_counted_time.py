"""The projects pages count time as the timesheets do: tracked time, plus approved manual time on
the project, less approved trims of its tracked time, in the hours, the budget used and the
amounts, per project, task and member. Changes waiting for approval count nowhere. The changes
go in through the timesheet forms, as the member and an owner put them there."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World
from tracked_day import track_day

from worklens_server.companies.models import Member
from worklens_server.projects.models import Project
from worklens_server.timesheets.models import TimeChange
from worklens_server.tracking.models import TimeEntry

pytestmark = pytest.mark.django_db

WEEK = "period=week&date=2026-06-15"


def _as(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _ask(client: Client, path: str, fields: dict[str, str]) -> TimeChange:
    before = set(TimeChange.objects.values_list("pk", flat=True))
    response = client.post(f"/timesheets/changes/{path}/?{WEEK}", fields | {"reason": "forgot"})
    assert response.status_code == 302, response.content.decode()
    return TimeChange.objects.exclude(pk__in=before).get()


def _approve(change: TimeChange, by: Member) -> None:
    _as(by).post("/timesheets/changes/decide/", {"change": [str(change.pk)], "decision": "approve"})
    change.refresh_from_db()
    assert change.status == "approved"


def _row(page: str, marker: str) -> str:
    start = page.index(marker)
    return re.sub(r"\s+", " ", page[start : page.index("</tr>", start)])


@pytest.fixture
def brochure(api: Client, world: World, device: EnrolledDevice) -> Project:
    """2 h of budget at 100 EUR/h, the employee assigned, 30 tracked minutes on "Draft" (Monday
    15 June 12:00-12:30 in Berlin)."""
    owner = _as(world.owner)
    owner.post(
        "/projects/",
        {"name": "Brochure", "tasks": "Draft\nEdit\n", "budget_hours": "2", "hourly_rate": "100"},
    )
    project = Project.objects.get(name="Brochure")
    owner.post(f"/projects/{project.pk}/members/", {"member": world.employee.pk})
    track_day(api, device, project=project)
    return project


def test_approved_manual_time_counts_in_hours_budget_and_amount(
    world: World, brochure: Project
) -> None:
    owner, employee = _as(world.owner), _as(world.employee)
    edit = brochure.tasks.get(name="Edit")
    added = _ask(
        employee,
        "add",
        {"started_at": "2026-06-16T09:00", "ended_at": "2026-06-16T10:00", "work": f"t:{edit.pk}"},
    )

    waiting = owner.get(f"/projects/{brochure.pk}/").content.decode()
    assert "0:30:00" in waiting  # the manual hour waits for approval: not counted
    assert "25% of 2 h" in waiting
    assert "50.00 EUR" in waiting
    assert "1:30:00" not in waiting

    _approve(added, world.owner)

    page = owner.get(f"/projects/{brochure.pk}/").content.decode()
    assert "75% of 2 h" in page
    assert "1:00:00" in _row(page, f'data-task="{edit.pk}"')
    member = _row(page, world.employee.user.email)
    assert "1:30:00" in member
    assert "150.00 EUR" in member
    listing = _row(owner.get("/projects/").content.decode(), f'data-project="{brochure.pk}"')
    assert "1:30:00" in listing
    assert "75% of 2 h" in listing
    assert "150.00 EUR" in listing
    managed = _row(_as(world.manager).get("/projects/").content.decode(), str(brochure.pk))
    assert "1:30:00" in managed  # the employee is in the manager's team

    # Another hour, still waiting, changes nothing.
    _ask(
        employee,
        "add",
        {"started_at": "2026-06-16T11:00", "ended_at": "2026-06-16T12:00", "work": f"t:{edit.pk}"},
    )
    assert "75% of 2 h" in owner.get(f"/projects/{brochure.pk}/").content.decode()


def test_an_approved_trim_takes_its_time_out_and_the_page_matches_the_timesheet(
    world: World, brochure: Project
) -> None:
    owner, employee = _as(world.owner), _as(world.employee)
    entry = TimeEntry.objects.get(member=world.employee)
    trim = _ask(
        employee,
        "trim",
        {
            "time_entry": str(entry.pk),
            "started_at": "2026-06-15T12:00",
            "ended_at": "2026-06-15T12:12",
        },
    )
    _approve(trim, world.owner)
    added = _ask(
        employee,
        "add",
        {
            "started_at": "2026-06-15T08:00",
            "ended_at": "2026-06-15T08:30",
            "work": f"p:{brochure.pk}",
        },
    )
    _approve(added, world.owner)

    page = owner.get(f"/projects/{brochure.pk}/").content.decode()
    draft = brochure.tasks.get(name="Draft")
    assert "0:18:00" in _row(page, f'data-task="{draft.pk}"')
    member = _row(page, world.employee.user.email)
    assert "0:48:00" in member
    assert f"{Decimal(48) * 100 / 60:.2f} EUR" in member  # 80.00 EUR
    assert "40% of 2 h" in page
    sheet = employee.get(f"/timesheets/members/{world.employee.pk}/?{WEEK}").content.decode()
    assert re.search(r'class="num sheet-total"><strong>0:48:00<', sheet)


def test_a_manager_counts_only_the_manual_time_of_their_teams(world: World) -> None:
    """The loner is in no team of the manager: their approved hour on the company-wide project
    counts for the owner, not on the manager's page."""
    added = _ask(
        _as(world.loner),
        "add",
        {
            "started_at": "2026-06-16T09:00",
            "ended_at": "2026-06-16T10:00",
            "work": f"p:{world.project.pk}",
        },
    )
    _approve(added, world.owner)

    owner_row = _row(_as(world.owner).get("/projects/").content.decode(), str(world.project.pk))
    manager_row = _row(_as(world.manager).get("/projects/").content.decode(), str(world.project.pk))

    assert "1:00:00" in owner_row
    assert "1:00:00" not in manager_row
    assert "0:00:00" in manager_row
