"""Weekly approval: a member submits a week (seven of their own days, Member.timezone, from the
company's first weekday, Company.week_starts_on);
a manager of their team or an owner approves or rejects it; an approved week is locked (no new
changes, no decisions on changes in it) until a manager or an owner reopens it. Every step is a
WeekEvent with who, when and the comment, and the people it concerns get an e-mail.

Rules: a week can be submitted once it has begun, and again after a rejection or a reopening; a
week is approved only when no change in it waits for a decision (the approver decides those
first, so nothing stays pending in a locked week); a rejection says why (a comment is required);
who decides is the same as for changes (changes.check_may_decide).

A stored week keeps its seven days when the owner later changes the first weekday: it is decided
and reopened as it was submitted, and its member submits the weeks of the new setting beside it
(they may overlap it by a few days; a day is locked while any approved week holds it).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from worklens_server.companies.models import Member
from worklens_server.reports.selectors import company_today
from worklens_server.timesheets.models import TimesheetWeek, WeekEvent
from worklens_server.timesheets.periods import week_of
from worklens_server.timesheets.selectors.weeks import pending_changes_in_week
from worklens_server.timesheets.services import notices
from worklens_server.timesheets.services.changes import MAX_TEXT, check_may_decide
from worklens_server.timesheets.services.errors import NotPermitted, TimesheetRefused


def _lock(week: TimesheetWeek) -> None:
    """Changes and weeks of one member serialise on the member's row (as changes.py does), so a
    change cannot slip into a week while it is being approved."""
    Member.objects.select_for_update().filter(pk=week.member_id).values_list("pk").first()
    week.refresh_from_db(fields=["status", "updated_at"])


def _record(
    week: TimesheetWeek, action: str, by: Member, comment: str, now: dt.datetime
) -> WeekEvent:
    week.status = action
    week.updated_at = now
    week.save(update_fields=["status", "updated_at"])
    return WeekEvent.objects.create(week=week, action=action, by=by, at=now, comment=comment)


def _comment(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > MAX_TEXT:
        raise TimesheetRefused(f"A comment holds at most {MAX_TEXT} characters.")
    return comment


@transaction.atomic
def submit_week(*, member: Member, day: dt.date, comment: str = "") -> TimesheetWeek:
    """`member` submits the week holding `day` for approval."""
    comment = _comment(comment)
    first_day = week_of(day, starts_on=member.company.week_starts_on).start
    today = company_today(timezone_name=member.timezone)
    if first_day > today:
        raise TimesheetRefused(
            f"The week of {first_day:%a %d %b %Y} has not begun; it can be submitted once it has."
        )
    now = timezone.now()
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()
    week, created = TimesheetWeek.objects.get_or_create(
        member=member,
        week_start=first_day,
        defaults={
            "company_id": member.company_id,
            "status": TimesheetWeek.Status.SUBMITTED,
            "updated_at": now,
        },
    )
    if not created:
        if week.status == TimesheetWeek.Status.SUBMITTED:
            raise TimesheetRefused("This week is submitted already and waits for approval.")
        if week.status == TimesheetWeek.Status.APPROVED:
            raise TimesheetRefused("This week is approved already.")
    _record(week, WeekEvent.Action.SUBMITTED, member, comment, now)
    notices.week_submitted(week=week)
    return week


def _check_decider(week: TimesheetWeek, by: Member) -> None:
    if week.company_id != by.company_id:
        raise NotPermitted("No such week.")
    check_may_decide(by=by, member=week.member)


@transaction.atomic
def decide_week(
    *, week: TimesheetWeek, by: Member, approve: bool, comment: str = ""
) -> TimesheetWeek:
    """`by` approves (locking it) or rejects (with a comment) a submitted week."""
    comment = _comment(comment)
    _check_decider(week, by)
    _lock(week)
    if week.status != TimesheetWeek.Status.SUBMITTED:
        raise TimesheetRefused(
            f"This week is not waiting for approval: it is {week.get_status_display().lower()}."
        )
    if approve:
        pending = pending_changes_in_week(member=week.member, week_start=week.week_start)
        if pending:
            raise TimesheetRefused(
                f"{pending} change{'s' if pending > 1 else ''} in this week "
                f"wait{'' if pending > 1 else 's'} for a decision; decide "
                f"{'them' if pending > 1 else 'it'} before approving the week."
            )
    elif not comment:
        raise TimesheetRefused("Say what to fix: rejecting a week needs a comment.")
    action = WeekEvent.Action.APPROVED if approve else WeekEvent.Action.REJECTED
    event = _record(week, action, by, comment, timezone.now())
    notices.week_decided(week=week, event=event)
    return week


@transaction.atomic
def reopen_week(*, week: TimesheetWeek, by: Member, comment: str = "") -> TimesheetWeek:
    """`by` reopens an approved week: its member may change and submit it again."""
    comment = _comment(comment)
    _check_decider(week, by)
    _lock(week)
    if week.status != TimesheetWeek.Status.APPROVED:
        raise TimesheetRefused(
            f"Only an approved week is reopened; this one is {week.get_status_display().lower()}."
        )
    event = _record(week, WeekEvent.Action.REOPENED, by, comment, timezone.now())
    notices.week_decided(week=week, event=event)
    return week
