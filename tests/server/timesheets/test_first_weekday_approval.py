"""Weekly approval with the company's first weekday: Sunday weeks submitted, approved, locked and
reopened; and a change of the first weekday after weeks were submitted and approved, which keeps
each stored week's own seven days locked and shown (docs/operating.md)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from changes_kit import add_time, client_of, section, set_first_weekday
from django.test import Client
from pypdf import PdfReader
from server_testkit import World

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.timesheets.models import TimeChange, TimesheetWeek

pytestmark = pytest.mark.django_db

SUNDAY_WEEK = "period=week&date=2026-06-14"


def _submit(client: Client, day: str) -> Any:
    return client.post("/timesheets/weeks/submit/", {"week": day})


def _decide(client: Client, week: TimesheetWeek, action: str, comment: str = "") -> Any:
    return client.post(
        "/timesheets/weeks/decide/", {"week": str(week.pk), "action": action, "comment": comment}
    )


def _page(viewer: Any, member: Any, query: str) -> str:
    return str(client_of(viewer).get(f"/timesheets/members/{member.pk}/?{query}").content.decode())


def test_sunday_weeks_are_submitted_approved_locked_and_reopened(
    world: World, week: dict[str, Any], smtp: SmtpSink
) -> None:
    set_first_weekday(world, "6")
    employee, manager = client_of(world.employee), client_of(world.manager)

    submitted = _submit(employee, "2026-06-17")

    assert submitted["Location"] == f"/timesheets/members/{world.employee.pk}/?{SUNDAY_WEEK}"
    row = TimesheetWeek.objects.get()
    assert (str(row.week_start), str(row.week_end)) == ("2026-06-14", "2026-06-20")
    mail = smtp.wait_for_subject(world.manager.user.email, "submitted the week")
    assert "14 Jun 2026 to 20 Jun 2026" in mail["Subject"]
    assert SUNDAY_WEEK in text_body(mail)
    waiting = section(manager.get("/timesheets/approvals/").content.decode(), "weeks")
    assert "14 Jun to 20 Jun 2026" in waiting
    assert "1:30:00" in waiting  # the fixture's Monday and Tuesday

    assert _decide(manager, row, "approve").status_code == 302
    row.refresh_from_db()
    assert row.status == "approved"
    assert (
        "14 Jun 2026 to 20 Jun 2026"
        in smtp.wait_for_subject(world.employee.user.email, "approved")["Subject"]
    )
    # The Sunday opens the locked week; the Saturday before it closes last week, still open.
    sunday = add_time(employee, "2026-06-14 09:00", "2026-06-14 10:00", query=SUNDAY_WEEK)
    assert "The week of Sun 14 Jun 2026 is approved and locked" in sunday.content.decode()
    assert add_time(employee, "2026-06-13 09:00", "2026-06-13 10:00").status_code == 302
    assert "approved and locked" in _page(world.employee, world.employee, SUNDAY_WEEK)

    assert _decide(manager, row, "reopen", "Sunday?").status_code == 302
    assert add_time(employee, "2026-06-14 09:00", "2026-06-14 10:00").status_code == 302
    assert TimeChange.objects.count() == 2
    assert _submit(employee, "2026-06-20").status_code == 302
    row.refresh_from_db()
    assert row.status == "submitted"
    assert TimesheetWeek.objects.count() == 1


def test_changing_the_first_weekday_keeps_stored_weeks_and_their_locks(
    world: World, week: dict[str, Any]
) -> None:
    """Monday weeks: 1-7 June waits for approval, 8-14 June is approved. The owner switches to
    Sunday weeks: neither is lost or unlocked, and both are decided and reopened as submitted."""
    employee, manager = client_of(world.employee), client_of(world.manager)
    _submit(employee, "2026-06-01")
    _submit(employee, "2026-06-08")
    waiting, approved = TimesheetWeek.objects.order_by("week_start")
    _decide(manager, approved, "approve")

    set_first_weekday(world, "6")

    # Sunday 14 June is the first day of this Sunday week and the last of the approved Monday
    # week: still locked. Monday 15 June is in no approved week.
    refused = add_time(employee, "2026-06-14 09:00", "2026-06-14 10:00", query=SUNDAY_WEEK)
    assert "The week of Mon 08 Jun 2026 is approved and locked" in refused.content.decode()
    assert add_time(employee, "2026-06-15 13:00", "2026-06-15 14:00").status_code == 302
    page = _page(world.manager, world.employee, SUNDAY_WEEK)
    others = section(page, "other-weeks")
    assert "Mon 8 Jun to Sun 14 Jun 2026" in others
    assert "Approved" in others
    assert "Reopen the week" in others
    assert "Not submitted" in section(page, "week")
    own = _page(world.employee, world.employee, SUNDAY_WEEK)
    assert "Mon 8 Jun to Sun 14 Jun 2026 is an approved week" in own
    assert 'id="add-time"' in own  # the other six days take changes
    # The waiting Monday week is listed with its own days and approved as it was submitted.
    assert "1 Jun to 7 Jun 2026" in section(
        manager.get("/timesheets/approvals/").content.decode(), "weeks"
    )
    assert _decide(manager, waiting, "approve").status_code == 302
    waiting.refresh_from_db()
    assert (str(waiting.week_start), waiting.status) == ("2026-06-01", "approved")

    # The new Sunday week is submitted beside the old one and shares its Sunday.
    assert _submit(employee, "2026-06-17").status_code == 302
    new = TimesheetWeek.objects.get(week_start="2026-06-14")
    assert new.status == "submitted"
    decide = client_of(world.owner).post(
        "/timesheets/changes/decide/",
        {"change": [str(c.pk) for c in TimeChange.objects.all()], "decision": "approve"},
    )
    assert decide.status_code == 302
    assert _decide(manager, new, "approve").status_code == 302
    # Reopening the old week leaves Sunday 14 June locked by the new one.
    assert _decide(manager, approved, "reopen").status_code == 302
    again = add_time(employee, "2026-06-14 09:00", "2026-06-14 10:00", query=SUNDAY_WEEK)
    assert "The week of Sun 14 Jun 2026 is approved and locked" in again.content.decode()
    _decide(manager, new, "reopen")
    assert add_time(employee, "2026-06-14 09:00", "2026-06-14 10:00").status_code == 302
    assert TimesheetWeek.objects.count() == 3


def test_a_week_of_the_old_first_weekday_downloads_with_its_approval(
    world: World, week: dict[str, Any]
) -> None:
    _submit(client_of(world.employee), "2026-06-15")
    _decide(client_of(world.manager), TimesheetWeek.objects.get(), "approve")
    set_first_weekday(world, "5")
    owner = client_of(world.owner)
    page = _page(world.owner, world.employee, "period=week&date=2026-06-17")
    assert "Mon 15 Jun to Sun 21 Jun 2026" in section(page, "other-weeks")
    assert 'href="?period=range&amp;from=2026-06-15&amp;to=2026-06-21"' in page

    pdf = owner.get(
        f"/timesheets/members/{world.employee.pk}/export.pdf"
        "?period=range&from=2026-06-15&to=2026-06-21"
    )
    week_pdf = owner.get(
        f"/timesheets/members/{world.employee.pk}/export.pdf?period=week&date=2026-06-17"
    )

    assert b"Approved in WorkLens" in _pdf_text(pdf.content)
    assert b"Approved in WorkLens" not in _pdf_text(week_pdf.content)  # 13-19 June: not approved


def _pdf_text(content: bytes) -> bytes:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).encode()
