"""Manual time and trims through the timesheet forms: what a member may ask for, what is refused
and why (nothing stored then), who decides, and what counts once approved or at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from changes_kit import (
    add_time,
    client_of,
    decide,
    entry_at,
    grid,
    local,
    section,
    trim,
)
from django.test import Client
from server_testkit import EnrolledDevice, World
from tracked_week import track_entry

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.companies.services import add_team_member
from worklens_server.projects.services import create_project
from worklens_server.timesheets.models import TimeChange

pytestmark = pytest.mark.django_db

DASH = "\u2013"


def _changes(**filters: Any) -> list[TimeChange]:
    return list(TimeChange.objects.filter(**filters).order_by("started_at"))


def test_added_time_waits_for_approval_then_counts_as_manual(
    world: World, week: dict[str, Any], smtp: SmtpSink
) -> None:
    employee = client_of(world.employee)
    design = week["design"]

    response = add_time(
        employee, "2026-06-15 13:00", "2026-06-15 14:30", work=f"t:{design.pk}", notes="call"
    )

    assert response.status_code == 302
    [change] = _changes(member=world.employee)
    assert (change.kind, change.status, change.seconds) == ("add", "pending", 5400)
    assert (change.started_at, change.ended_at) == (
        local("2026-06-15 13:00"),
        local("2026-06-15 14:30"),
    )
    assert (change.project, change.task, change.notes) == (world.project, design, "call")
    page = employee.get(response["Location"]).content.decode()
    assert "counts once a manager approves it" in page
    assert grid(page)[-1][8] == "1:30:00"  # the week's total: tracked time only
    assert "Waiting for approval" in section(page, "changes")

    assert decide(client_of(world.manager), [change], "approve", "ok, thanks").status_code == 302

    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_comment) == (
        "approved",
        world.manager,
        "ok, thanks",
    )
    assert change.decided_at is not None
    rows = grid(employee.get(f"/timesheets/members/{world.employee.pk}/").content.decode())
    manual = next(row for row in rows if row[0] == "Website manual Design")
    assert manual[1] == "1:30:00"  # Monday
    assert rows[-1][8] == "3:00:00"
    message = smtp.wait_for_subject(world.employee.user.email, "was approved")
    assert "Mia Manager approved your manual time" in text_body(message)
    assert "ok, thanks" in text_body(message)


def test_a_refused_change_never_counts(world: World, week: dict[str, Any], smtp: SmtpSink) -> None:
    employee = client_of(world.employee)
    add_time(employee, "2026-06-16 14:00", "2026-06-16 15:00")
    [change] = _changes(member=world.employee)

    decide(client_of(world.owner), [change], "refuse", "you were on leave")

    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("refused", world.owner)
    page = employee.get(f"/timesheets/members/{world.employee.pk}/").content.decode()
    assert grid(page)[-1][8] == "1:30:00"
    assert "you were on leave" in section(page, "changes")
    assert "It does not count." in text_body(
        smtp.wait_for_subject(world.employee.user.email, "was refused")
    )


def test_without_approval_a_change_counts_at_once(world: World, week: dict[str, Any]) -> None:
    owner = client_of(world.owner)
    assert "checked" in owner.get("/timesheets/settings/").content.decode()  # on by default
    assert owner.post("/timesheets/settings/", {}).status_code == 302

    employee = client_of(world.employee)
    response = add_time(employee, "2026-06-16 07:00", "2026-06-16 08:00")

    assert response.status_code == 302
    [change] = _changes(member=world.employee)
    assert (change.status, change.decided_by, change.decided_automatically) == (
        "approved",
        None,
        True,
    )
    page = employee.get(response["Location"]).content.decode()
    assert "It counts now, marked as manual." in page
    assert grid(page)[-1][8] == "2:30:00"
    assert "approved at once" in section(page, "changes")
    assert (
        "no approval needed"
        in client_of(world.manager).get("/timesheets/approvals/").content.decode()
    )


@pytest.mark.parametrize(
    ("start", "end", "reason", "problem"),
    [
        ("2026-06-15 13:00", "2026-06-15 14:00", " ", "Say why: a reason is required"),
        ("2026-06-15 14:00", "2026-06-15 13:00", "x", "The end must be after the start."),
        ("2026-06-17 11:00", "2026-06-17 13:00", "x", "Time in the future cannot be changed"),
        ("2026-06-13 08:00", "2026-06-14 09:00", "x", "at most 24 hours"),
        ("2026-06-15 08:30", "2026-06-15 09:10", "x", f"Mon 15 Jun 2026 09:00{DASH}09:10 is"),
        ("2026-03-29 02:30", "2026-03-29 03:30", "x", "does not exist in Europe/Berlin"),
    ],
)
def test_what_cannot_be_added_is_refused_with_the_reason_and_nothing_stored(
    world: World, week: dict[str, Any], start: str, end: str, reason: str, problem: str
) -> None:
    response = add_time(client_of(world.employee), start, end, reason=reason)

    assert response.status_code == 400
    assert problem in section(response.content.decode(), "add-time")
    assert TimeChange.objects.count() == 0


def test_added_time_may_not_overlap_time_asked_for_or_approved(
    world: World, week: dict[str, Any]
) -> None:
    employee = client_of(world.employee)
    add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00")
    add_time(employee, "2026-06-16 15:00", "2026-06-16 16:00")
    decide(client_of(world.owner), _changes(member=world.employee)[1:])

    for start, end, status in (
        ("2026-06-16 13:30", "2026-06-16 13:45", "waiting for approval"),
        ("2026-06-16 14:30", "2026-06-16 15:01", "approved"),
    ):
        response = add_time(employee, start, end)
        assert response.status_code == 400
        assert "It overlaps time you added already" in response.content.decode()
        assert status in response.content.decode()
    assert TimeChange.objects.count() == 2
    # Touching is not overlapping: 14:00 to 15:00 fills the gap exactly.
    assert add_time(employee, "2026-06-16 14:00", "2026-06-16 15:00").status_code == 302


def test_another_companys_project_is_refused(world: World, week: dict[str, Any]) -> None:
    secret = world.outsider_company.projects.get(name="Secret plan")
    response = add_time(
        client_of(world.employee), "2026-06-16 13:00", "2026-06-16 14:00", work=f"p:{secret.pk}"
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert TimeChange.objects.count() == 0


def test_only_the_members_own_open_projects_are_offered(world: World, week: dict[str, Any]) -> None:
    """As in the agent: projects open to everyone or assigned to them, and not archived."""
    closed = create_project(company=world.company, name="Board only", task_names=["Minutes"])
    employee = client_of(world.employee)
    form = section(
        employee.get(f"/timesheets/members/{world.employee.pk}/").content.decode(), "add-time"
    )
    assert "Support desk" in form
    assert "Board only" not in form

    response = add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00", work=f"p:{closed.pk}")

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert TimeChange.objects.count() == 0


def test_a_trim_takes_tracked_time_out_of_its_entry_once_approved(
    world: World, week: dict[str, Any]
) -> None:
    employee = client_of(world.employee)
    entry = entry_at(world.employee, "2026-06-16 10:00")

    response = trim(employee, entry, "2026-06-16 10:30", "2026-06-16 10:45")

    assert response.status_code == 302, section(response.content.decode(), "trim-time")
    [change] = _changes(member=world.employee)
    assert (change.kind, change.time_entry, change.status) == ("trim", entry, "pending")
    decide(client_of(world.manager), [change])
    rows = grid(employee.get(f"/timesheets/members/{world.employee.pk}/").content.decode())
    edited = next(row for row in rows if row[0] == "Website edited Design")
    assert edited[1:3] == ["0:30:00", "0:30:00"]  # Tuesday lost 15 of its 45 minutes
    assert edited[8:] == ["1:00:00", "", "\u22120:15:00", "50 %"]  # a minus sign
    assert rows[-1][8] == "1:15:00"


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        ("2026-06-16 09:50", "2026-06-16 10:10", "A trim lies inside its entry"),
        ("2026-06-16 10:40", "2026-06-16 10:50", "A trim lies inside its entry"),
        ("2026-06-16 10:20", "2026-06-16 10:35", "overlaps a trim of this entry"),
    ],
)
def test_what_cannot_be_trimmed_is_refused(
    world: World, week: dict[str, Any], start: str, end: str, problem: str
) -> None:
    employee = client_of(world.employee)
    entry = entry_at(world.employee, "2026-06-16 10:00")
    assert trim(employee, entry, "2026-06-16 10:30", "2026-06-16 10:45").status_code == 302

    response = trim(employee, entry, start, end)

    assert response.status_code == 400
    assert problem in section(response.content.decode(), "trim-time")
    assert TimeChange.objects.count() == 1


def test_nobody_trims_another_persons_entry(world: World, week: dict[str, Any]) -> None:
    entry = entry_at(world.employee, "2026-06-16 10:00")
    for member in (world.manager, world.owner, world.loner, world.outsider_owner):
        response = trim(client_of(member), entry, "2026-06-16 10:30", "2026-06-16 10:45")
        assert response.status_code == 404, member
    assert TimeChange.objects.count() == 0


def test_time_trimmed_away_may_be_added_again_on_another_project(
    world: World, week: dict[str, Any]
) -> None:
    """The way to move tracked time to the right project: trim it, then add it there."""
    employee = client_of(world.employee)
    entry = entry_at(world.employee, "2026-06-15 11:00")  # no project
    trim(employee, entry, "2026-06-15 11:00", "2026-06-15 11:15", reason="wrong project")
    website = f"p:{world.project.pk}"
    refused = add_time(employee, "2026-06-15 11:00", "2026-06-15 11:15", work=website)
    assert "is tracked time already" in refused.content.decode()  # the trim waits for approval
    decide(client_of(world.owner), _changes(member=world.employee))

    again = add_time(employee, "2026-06-15 11:00", "2026-06-15 11:15", work=website)
    assert again.status_code == 302

    decide(client_of(world.owner), _changes(member=world.employee, status="pending"))
    rows = grid(employee.get(f"/timesheets/members/{world.employee.pk}/").content.decode())
    assert [row[0] for row in rows[1:-1]] == [
        "Website Design",
        "Website manual",
        "No project edited",
    ]
    assert rows[2][1] == "0:15:00"
    assert rows[3][8] == "0:00:00"
    assert rows[-1][8] == "1:30:00"  # nothing counted twice, nothing lost


def test_who_decides(world: World, week: dict[str, Any]) -> None:
    """Owners decide for anyone but themselves, managers for their teams' members but not for
    themselves or an owner; employees for nobody. Another team's change is a 404."""
    add_team_member(team=world.team, member=world.owner)
    add_time(client_of(world.employee), "2026-06-16 13:00", "2026-06-16 14:00")
    add_time(client_of(world.manager), "2026-06-16 13:00", "2026-06-16 14:00")
    add_time(client_of(world.owner), "2026-06-16 13:00", "2026-06-16 14:00")
    add_time(client_of(world.loner), "2026-06-16 13:00", "2026-06-16 14:00")
    by_member = {c.member_id: c for c in _changes()}
    employee, manager, owner, loner = (
        by_member[m.pk] for m in (world.employee, world.manager, world.owner, world.loner)
    )

    refused = decide(client_of(world.manager), [manager])
    assert refused.status_code == 403
    assert "Nobody approves their own time" in refused.content.decode()
    assert decide(client_of(world.manager), [owner]).status_code == 403
    assert decide(client_of(world.manager), [loner]).status_code == 404  # not their team
    assert decide(client_of(world.employee), [employee]).status_code == 403
    assert decide(client_of(world.loner), [employee]).status_code == 404
    assert decide(client_of(world.outsider_owner), [employee]).status_code == 404
    assert decide(client_of(world.owner), [owner]).status_code == 403
    assert "another owner" in decide(client_of(world.owner), [owner]).content.decode()
    # One change the viewer may not see refuses the whole form: nothing is decided.
    assert decide(client_of(world.manager), [employee, loner]).status_code == 404
    assert {c.status for c in _changes()} == {"pending"}

    assert decide(client_of(world.manager), [employee]).status_code == 302
    assert decide(client_of(world.owner), [manager, loner]).status_code == 302
    statuses = {c.member_id: c.status for c in _changes()}
    assert statuses == {
        world.employee.pk: "approved",
        world.manager.pk: "approved",
        world.loner.pk: "approved",
        world.owner.pk: "pending",
    }
    assert "approved already" in str(
        client_of(world.owner)
        .post(
            "/timesheets/changes/decide/",
            {"change": str(employee.pk), "decision": "refuse"},
            follow=True,
        )
        .content
    )


def test_a_member_withdraws_a_pending_change(world: World, week: dict[str, Any]) -> None:
    employee = client_of(world.employee)
    add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00")
    [change] = _changes()
    assert (
        client_of(world.manager)
        .post("/timesheets/changes/withdraw/", {"change": str(change.pk)})
        .status_code
        == 403
    )

    response = employee.post("/timesheets/changes/withdraw/", {"change": str(change.pk)})

    assert response.status_code == 302
    change.refresh_from_db()
    assert (change.status, change.decided_by) == ("withdrawn", world.employee)
    assert decide(client_of(world.manager), [change]).status_code == 302
    change.refresh_from_db()
    assert change.status == "withdrawn"  # a decision on it changes nothing
    # Its time is free again.
    assert add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00").status_code == 302


def test_an_approved_add_counts_only_what_tracking_did_not_cover(
    world: World, week: dict[str, Any], api: Client, device: EnrolledDevice
) -> None:
    """An agent that was offline uploads time later inside an approved add: the tracked time
    wins, and the add counts only the rest, so no second counts twice."""
    employee = client_of(world.employee)
    add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00")
    decide(client_of(world.owner), _changes())
    track_entry(api, device, local("2026-06-16 13:30").astimezone(dt.UTC), 10)

    rows = grid(employee.get(f"/timesheets/members/{world.employee.pk}/").content.decode())

    assert rows[-1][2] == "1:45:00"  # Tuesday: 45 tracked + 10 tracked late + 50 manual
    manual = next(row for row in rows if "manual" in row[0])
    assert manual[2] == "0:50:00"
