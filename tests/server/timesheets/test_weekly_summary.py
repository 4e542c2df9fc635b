"""The weekly summary e-mail: last week's time of the people an owner or manager sees, with the
figures of their team timesheet, only to those who opted in, with an unsubscribe link."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from changes_kit import set_first_weekday
from django.core.management import CommandError, call_command
from django.test import Client
from server_testkit import World
from time_machine import TimeMachineFixture
from tracked_week import MONDAY

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.formatting import clock
from worklens_server.notifications.services import set_email_preferences
from worklens_server.timesheets.periods import week_of
from worklens_server.timesheets.selectors import get_team_timesheet

pytestmark = pytest.mark.django_db


def test_opted_in_managers_get_their_peoples_week(
    smtp: SmtpSink, world: World, week: dict[str, Any], time_machine: TimeMachineFixture
) -> None:
    set_email_preferences(user=world.manager.user, opted_in={"weekly_summary"})
    set_email_preferences(user=world.employee.user, opted_in={"weekly_summary"})
    time_machine.move_to("2026-06-22T07:00:00+02:00")  # the Monday after the tracked week
    out = StringIO()

    call_command("send_weekly_summaries", stdout=out)

    assert "queued 1 weekly summaries" in out.getvalue()  # employees get none; the owner opted out
    [message] = smtp.wait_for(world.manager.user.email)
    assert [m["To"] for m in smtp.messages] == [world.manager.user.email]
    sheet = get_team_timesheet(viewer=world.manager, period=week_of(MONDAY, starts_on=0))
    assert (
        message["Subject"]
        == f"Acme: {clock(sheet.total)} tracked in the week of 15 Jun 2026 to 21 Jun 2026"
    )
    body = text_body(message)
    assert "Eli Employee (employee@acme.example): 1:30:00, 50 % active" in body
    assert f"Total: {clock(sheet.total)}" in body
    assert "loner@acme.example" not in body
    assert "/timesheets/team/?period=week&date=2026-06-15" in body
    assert "/unsubscribe/" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_named_week_and_a_bad_one(smtp: SmtpSink, world: World, week: dict[str, Any]) -> None:
    set_email_preferences(user=world.owner.user, opted_in={"weekly_summary"})
    call_command("send_weekly_summaries", "--week=2026-06-17", stdout=StringIO())
    [message] = smtp.wait_for(world.owner.user.email)
    assert "1:30:00" in message["Subject"]
    with pytest.raises(CommandError, match="--week: '17/06' is not YYYY-MM-DD"):
        call_command("send_weekly_summaries", "--week=17/06")


def test_the_category_is_offered_on_the_preferences_page(world: World) -> None:
    client = Client()
    client.force_login(world.manager.user)
    assert "Weekly summary" in client.get("/account/email/").content.decode()


def test_each_company_gets_its_last_whole_week_of_its_own_first_weekday(
    smtp: SmtpSink, world: World, week: dict[str, Any], time_machine: TimeMachineFixture
) -> None:
    """On Monday 22 June the last whole week is 15-21 June for Monday weeks, 14-20 June for
    Sunday weeks and 13-19 June for Saturday weeks; a run of the command sends each company
    its own."""
    set_email_preferences(user=world.owner.user, opted_in={"weekly_summary"})
    set_email_preferences(user=world.outsider_owner.user, opted_in={"weekly_summary"})
    time_machine.move_to("2026-06-22T07:00:00+02:00")

    for run, (weekday, first, last) in enumerate((("6", 14, 20), ("5", 13, 19)), start=1):
        set_first_weekday(world, weekday)
        call_command("send_weekly_summaries", stdout=StringIO())

        acme = smtp.wait_for(world.owner.user.email, count=run)[-1]
        other = smtp.wait_for(world.outsider_owner.user.email, count=run)[-1]
        assert acme["Subject"].endswith(f"the week of {first} Jun 2026 to {last} Jun 2026")
        assert f"/timesheets/team/?period=week&date=2026-06-{first}" in text_body(acme)
        assert "1:30:00" in acme["Subject"]  # Monday and Tuesday 15-16 June are in it
        assert other["Subject"].endswith("the week of 15 Jun 2026 to 21 Jun 2026")


def test_a_named_day_is_summarised_in_the_companys_weeks(
    smtp: SmtpSink, world: World, week: dict[str, Any]
) -> None:
    set_email_preferences(user=world.owner.user, opted_in={"weekly_summary"})
    set_first_weekday(world, "6")
    call_command("send_weekly_summaries", "--week=2026-06-13", stdout=StringIO())
    [message] = smtp.wait_for(world.owner.user.email)
    # Saturday 13 June ends the Sunday week of 7 June: the fixture's time is after it.
    assert message["Subject"] == "Acme: 0:00:00 tracked in the week of 7 Jun 2026 to 13 Jun 2026"
