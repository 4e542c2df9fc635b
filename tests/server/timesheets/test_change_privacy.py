"""A member's changes and weeks are their data: in their export, deleted with their account (the
decisions they took on other people's time stay, by "a deleted account"), and gone with the
company."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from changes_kit import WEEK_QUERY, add_time, client_of, decide, section
from server_testkit import World

from worklens_server.timesheets.models import (
    TimeChange,
    TimesheetSettings,
    TimesheetWeek,
    WeekEvent,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def decided(world: World, week: dict[str, Any]) -> None:
    """The employee added an hour, the manager approved it; the week was submitted and
    approved by the manager."""
    employee = client_of(world.employee)
    add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00", notes="release", reason="forgot")
    decide(client_of(world.manager), list(TimeChange.objects.all()), comment="fine")
    employee.post("/timesheets/weeks/submit/", {"week": "2026-06-15"})
    client_of(world.manager).post(
        "/timesheets/weeks/decide/",
        {"week": str(TimesheetWeek.objects.get().pk), "action": "approve", "comment": "ok"},
    )


def test_the_export_holds_my_changes_and_weeks(world: World, decided: None) -> None:
    response = client_of(world.employee).get("/account/collected/export/")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        data = json.loads(archive.read("data.json"))
    (membership,) = data["memberships"]
    (change,) = membership["time_changes"]
    assert (change["kind"], change["status"], change["reason"], change["notes"]) == (
        "add",
        "approved",
        "forgot",
        "release",
    )
    assert (change["decided_by"], change["decision_comment"]) == ("Mia Manager", "fine")
    assert change["started_at"] == "2026-06-16T11:00:00+00:00"
    (week,) = membership["timesheet_weeks"]
    assert (week["week_start"], week["status"]) == ("2026-06-15", "approved")
    assert [(s["action"], s["by"], s["comment"]) for s in week["steps"]] == [
        ("submitted", "Eli Employee", ""),
        ("approved", "Mia Manager", "ok"),
    ]


def test_deleting_my_account_deletes_my_changes_and_weeks(world: World, decided: None) -> None:
    response = client_of(world.employee).post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    assert (TimeChange.objects.count(), TimesheetWeek.objects.count()) == (0, 0)
    assert WeekEvent.objects.count() == 0


def test_an_approvers_deleted_account_shows_as_such(world: World, decided: None) -> None:
    response = client_of(world.manager).post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    change = TimeChange.objects.get()
    assert (change.status, change.decided_by) == ("approved", None)
    page = client_of(world.employee).get(f"/timesheets/members/{world.employee.pk}/?{WEEK_QUERY}")
    html = page.content.decode()
    assert "approved by a deleted account" in section(html, "changes")
    assert "Approved by a deleted account" in section(html, "week")


def test_cancelling_the_company_deletes_them(world: World, decided: None) -> None:
    """(privacy/test_cancel_company.py checks every table that names the company.)"""
    owner = client_of(world.owner)
    owner.post("/timesheets/settings/", {"changes_need_approval": "on"})
    assert TimesheetSettings.objects.get(company_id=world.company.pk).changes_need_approval
    assert TimeChange.objects.filter(company=world.company).count() == 1
    assert WeekEvent.objects.count() == 2
    response = owner.post("/company/cancel/", {"password": PASSWORD})
    assert response.status_code == 200
    assert TimeChange.objects.count() == TimesheetWeek.objects.count() == 0
    assert WeekEvent.objects.count() == 0
    assert not TimesheetSettings.objects.filter(company_id=world.company.pk).exists()
