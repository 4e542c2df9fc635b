"""The e-mails of weekly approval (transactional: they are part of the work, not news): to the
approvers when a week is submitted, to the member when their week or change is decided.

A submitted week goes to the managers of the member's teams (not to the member, and not when the
member is an owner), or to the company's other owners when no manager decides for them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from worklens_server.companies.models import Member
from worklens_server.formatting import clock
from worklens_server.notifications.services import send_email
from worklens_server.timesheets.models import TimeChange, TimesheetWeek, WeekEvent
from worklens_server.timesheets.periods import stretch_text, week_from, week_of
from worklens_server.tracking.local_days import zone

WEEK_SUBMITTED = "week_submitted"
WEEK_DECIDED = "week_decided"
CHANGE_DECIDED = "change_decided"


def approvers_of(member: Member) -> list[Member]:
    """Who is asked to approve `member`'s week."""
    managers = (
        Member.objects.filter(
            company_id=member.company_id,
            role=Member.Role.MANAGER,
            team_memberships__is_manager=True,
            team_memberships__team__memberships__member=member,
        )
        .exclude(pk=member.pk)
        .select_related("user")
        .distinct()
        .order_by("user__email")
    )
    found = [] if member.role == Member.Role.OWNER else list(managers)
    if found:
        return found
    owners = Member.objects.filter(company_id=member.company_id, role=Member.Role.OWNER)
    return list(owners.exclude(pk=member.pk).select_related("user").order_by("user__email"))


def _week_path(member: Member, day: dt.date) -> str:
    """The member's week page holding `day`, of the company's weeks today."""
    period = week_of(day, starts_on=member.company.week_starts_on)
    return reverse("timesheets:member", kwargs={"member_id": member.pk}) + "?" + period.query


def week_submitted(*, week: TimesheetWeek) -> None:
    member = week.member
    for approver in approvers_of(member):
        send_email(
            to=approver.user.email,
            template=WEEK_SUBMITTED,
            context={
                "member": member.user.display_name,
                "company": member.company.name,
                "period": week_from(week.week_start).title,
                "week_path": _week_path(member, week.week_start),
                "approvals_path": reverse("timesheets:approvals"),
            },
        )


def week_decided(*, week: TimesheetWeek, event: WeekEvent) -> None:
    member = week.member
    send_email(
        to=member.user.email,
        template=WEEK_DECIDED,
        context={
            "action": str(event.action),
            "by": event.by.user.display_name if event.by else "",
            "comment": event.comment,
            "company": member.company.name,
            "period": week_from(week.week_start).title,
            "week_path": _week_path(member, week.week_start),
        },
    )


def change_decided(*, change: TimeChange) -> None:
    member = change.member
    zone_name = member.timezone
    start = change.started_at.astimezone(zone(zone_name))
    send_email(
        to=member.user.email,
        template=CHANGE_DECIDED,
        context={
            "status": str(change.status),
            "kind": change.get_kind_display().lower(),
            "stretch": stretch_text(change.started_at, change.ended_at, zone_name),
            "length": clock(change.seconds),
            "reason": change.reason,
            "by": change.decided_by.user.display_name if change.decided_by else "",
            "comment": change.decision_comment,
            "company": member.company.name,
            "week_path": _week_path(member, start.date()),
        },
    )
