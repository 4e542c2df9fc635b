"""Weekly approval through the pages: a member submits a week, an approver approves or rejects it
with a comment, an approved week is locked until reopened, and every step is recorded and shown
with who, when and the comment; the people concerned get an e-mail."""

from __future__ import annotations

import io
from typing import Any

import pytest
from changes_kit import WEEK_QUERY, add_time, client_of, decide, entry_at, section, trim
from django.test import Client
from pypdf import PdfReader
from server_testkit import World

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.timesheets.models import TimeChange, TimesheetWeek, WeekEvent

pytestmark = pytest.mark.django_db


def _submit(client: Client, day: str = "2026-06-17", comment: str = "") -> Any:
    return client.post("/timesheets/weeks/submit/", {"week": day, "comment": comment})


def _decide(client: Client, week: TimesheetWeek, action: str, comment: str = "") -> Any:
    return client.post(
        "/timesheets/weeks/decide/", {"week": str(week.pk), "action": action, "comment": comment}
    )


def _steps(week: TimesheetWeek) -> list[tuple[str, str | None, str]]:
    return [
        (event.action, event.by.user.email if event.by else None, event.comment)
        for event in WeekEvent.objects.filter(week=week).select_related("by__user")
    ]


def _page(member: Any, viewer: Any) -> str:
    url = f"/timesheets/members/{member.pk}/?{WEEK_QUERY}"
    return str(client_of(viewer).get(url).content.decode())


def test_submit_approve_lock_and_reopen(world: World, week: dict[str, Any], smtp: SmtpSink) -> None:
    employee, manager = client_of(world.employee), client_of(world.manager)

    response = _submit(employee, "2026-06-17", "all there")

    assert response.status_code == 302
    assert response["Location"] == f"/timesheets/members/{world.employee.pk}/?{WEEK_QUERY}"
    week_row = TimesheetWeek.objects.get(member=world.employee)
    assert (str(week_row.week_start), week_row.status) == ("2026-06-15", "submitted")
    message = smtp.wait_for_subject(world.manager.user.email, "submitted the week")
    assert f"/timesheets/members/{world.employee.pk}/?{WEEK_QUERY}" in text_body(message)
    assert [m["To"] for m in smtp.messages] == [world.manager.user.email]
    waiting = manager.get("/timesheets/approvals/").content.decode()
    assert "employee@acme.example" in section(waiting, "weeks")
    assert "all there" in section(waiting, "weeks")
    assert "1:30:00" in section(waiting, "weeks")

    assert _decide(manager, week_row, "approve", "thanks").status_code == 302

    week_row.refresh_from_db()
    assert week_row.status == "approved"
    assert _steps(week_row) == [
        ("submitted", "employee@acme.example", "all there"),
        ("approved", "manager@acme.example", "thanks"),
    ]
    assert "was approved" in smtp.wait_for_subject(world.employee.user.email, "approved")["Subject"]
    page = _page(world.employee, world.employee)
    shown = section(page, "week")
    assert "Approved" in shown
    assert "Submitted by Eli Employee, Wed 17 Jun 2026" in shown
    assert "Approved by Mia Manager" in shown
    assert "“thanks”" in shown
    assert 'id="add-time"' not in page  # no forms in a locked week
    assert "approved and locked" in page

    # Locked: no new time, no trims, in that week.
    refused = add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00")
    assert refused.status_code == 400
    assert "The week of Mon 15 Jun 2026 is approved and locked" in refused.content.decode()
    entry = entry_at(world.employee, "2026-06-16 10:00")
    assert trim(employee, entry, "2026-06-16 10:30", "2026-06-16 10:45").status_code == 400
    assert TimeChange.objects.count() == 0
    pdf = client_of(world.owner).get(
        f"/timesheets/members/{world.employee.pk}/export.pdf?{WEEK_QUERY}"
    )
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Approved in WorkLens by Mia Manager" in pdf_text

    assert _decide(manager, week_row, "reopen", "forgot Thursday?").status_code == 302

    week_row.refresh_from_db()
    assert week_row.status == "reopened"
    assert _steps(week_row)[-1] == ("reopened", "manager@acme.example", "forgot Thursday?")
    assert "forgot Thursday?" in text_body(
        smtp.wait_for_subject(world.employee.user.email, "reopened")
    )
    assert add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00").status_code == 302
    assert _submit(employee).status_code == 302
    week_row.refresh_from_db()
    assert week_row.status == "submitted"
    assert [step[0] for step in _steps(week_row)] == [
        "submitted",
        "approved",
        "reopened",
        "submitted",
    ]


def test_a_week_with_changes_waiting_is_approved_only_after_they_are_decided(
    world: World, week: dict[str, Any]
) -> None:
    employee, owner = client_of(world.employee), client_of(world.owner)
    add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00")
    _submit(employee)
    week_row = TimesheetWeek.objects.get()
    waiting = owner.get("/timesheets/approvals/").content.decode()
    assert "1 change to decide first" in section(waiting, "weeks")
    assert "forgot to start the timer" in section(waiting, "pending-changes")

    refused = _decide(owner, week_row, "approve")

    assert refused.status_code == 302
    week_row.refresh_from_db()
    assert week_row.status == "submitted"
    shown = owner.get(refused["Location"]).content.decode()
    assert "1 change in this week waits for a decision" in shown
    decide(owner, list(TimeChange.objects.all()))
    assert _decide(owner, week_row, "approve").status_code == 302
    week_row.refresh_from_db()
    assert week_row.status == "approved"


def test_a_rejection_needs_a_comment_and_lets_the_member_submit_again(
    world: World, week: dict[str, Any], smtp: SmtpSink
) -> None:
    employee, manager = client_of(world.employee), client_of(world.manager)
    _submit(employee)
    week_row = TimesheetWeek.objects.get()

    no_comment = _decide(manager, week_row, "reject")
    assert "rejecting a week needs a comment" in str(
        manager.get(no_comment["Location"]).content.decode()
    )
    week_row.refresh_from_db()
    assert week_row.status == "submitted"

    assert _decide(manager, week_row, "reject", "Tuesday is missing").status_code == 302

    week_row.refresh_from_db()
    assert week_row.status == "rejected"
    body = text_body(smtp.wait_for_subject(world.employee.user.email, "was rejected"))
    assert "Tuesday is missing" in body
    assert "submit the week again" in body
    assert "Tuesday is missing" in section(_page(world.employee, world.employee), "week")
    assert add_time(employee, "2026-06-16 13:00", "2026-06-16 14:00").status_code == 302
    assert _submit(employee).status_code == 302
    week_row.refresh_from_db()
    assert week_row.status == "submitted"


def test_what_cannot_be_submitted(world: World, week: dict[str, Any]) -> None:
    employee = client_of(world.employee)
    future = _submit(employee, "2026-06-22")
    assert "has not begun" in employee.get(future["Location"]).content.decode()
    assert TimesheetWeek.objects.count() == 0
    assert _submit(employee, "not a date").status_code == 400
    _submit(employee)
    again = _submit(employee, "2026-06-15")
    assert "submitted already" in employee.get(again["Location"]).content.decode()
    assert WeekEvent.objects.count() == 1


def test_who_decides_a_week(world: World, week: dict[str, Any], smtp: SmtpSink) -> None:
    _submit(client_of(world.employee))
    _submit(client_of(world.manager))
    _submit(client_of(world.loner))
    by_member = {w.member_id: w for w in TimesheetWeek.objects.all()}
    employee_week = by_member[world.employee.pk]
    manager_week = by_member[world.manager.pk]
    loner_week = by_member[world.loner.pk]
    # The manager's own week and the loner's (in no team) go to the owner; the employee's to
    # the manager of their team.
    assert {m["To"] for m in smtp.wait_for(world.owner.user.email, count=2)} == {
        world.owner.user.email
    }
    assert len(smtp.received_by(world.manager.user.email)) == 1

    assert _decide(client_of(world.employee), employee_week, "approve").status_code == 403
    assert _decide(client_of(world.manager), manager_week, "approve").status_code == 403
    assert _decide(client_of(world.manager), loner_week, "approve").status_code == 404
    assert _decide(client_of(world.outsider_owner), employee_week, "approve").status_code == 404
    assert {w.status for w in TimesheetWeek.objects.all()} == {"submitted"}
    assert _decide(client_of(world.owner), manager_week, "approve").status_code == 302
    manager_week.refresh_from_db()
    assert manager_week.status == "approved"
    page = client_of(world.manager).get("/timesheets/approvals/").content.decode()
    assert "employee@acme.example" in page
    assert "loner@acme.example" not in page


def test_the_approvals_page_of_one_team(world: World, week: dict[str, Any]) -> None:
    _submit(client_of(world.employee))
    _submit(client_of(world.loner))
    owner = client_of(world.owner)
    everyone = owner.get("/timesheets/approvals/").content.decode()
    assert "loner@acme.example" in everyone
    one_team = owner.get("/timesheets/approvals/", {"team": str(world.team.pk)}).content.decode()
    assert "employee@acme.example" in one_team
    assert "loner@acme.example" not in one_team
    assert client_of(world.employee).get("/timesheets/approvals/").status_code == 403
    other_team = client_of(world.outsider_owner).get(
        "/timesheets/approvals/", {"team": str(world.team.pk)}
    )
    assert other_team.status_code == 404


def test_a_change_decided_on_the_approvals_page_swaps_its_row(
    world: World, week: dict[str, Any]
) -> None:
    add_time(client_of(world.employee), "2026-06-16 13:00", "2026-06-16 14:00")
    [change] = TimeChange.objects.all()
    manager = client_of(world.manager)
    assert f'data-change="{change.pk}"' in manager.get("/timesheets/approvals/").content.decode()

    row = manager.post(
        "/timesheets/changes/decide/",
        {"change": str(change.pk), "decision": "approve", "comment": "fine"},
        HTTP_HX_REQUEST="true",
    )

    assert row.status_code == 200
    html = row.content.decode()
    assert html.lstrip().startswith('<tr class="change status-approved"')
    assert "approved by Mia Manager" in html
    assert "“fine”" in html
    change.refresh_from_db()
    assert change.status == "approved"
    assert "No manual time or edit waits" in manager.get("/timesheets/approvals/").content.decode()


def test_approval_e_mail_is_listed_as_transactional(world: World) -> None:
    page = client_of(world.employee).get("/account/email/").content.decode()
    assert "Timesheet approvals: a week submitted to you" in page
