"""The weekly summary e-mail to owners and managers who asked for it: their team timesheet's
figures (approved manual time included and said, trimmed time left out and said, idle time
kept included and said, idle time discarded left out and said)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from worklens_server.companies.models import Member
from worklens_server.formatting import clock
from worklens_server.notifications.selectors import list_opted_in_users
from worklens_server.notifications.services import send_email
from worklens_server.reports.selectors import company_today
from worklens_server.timesheets.periods import Period, week_of
from worklens_server.timesheets.selectors import get_team_timesheet

WEEKLY_SUMMARY = "weekly_summary"


def last_week(*, timezone_name: str, week_starts_on: int, now: dt.datetime) -> Period:
    """The last whole week before `now`: the one before the week `now` falls in, in the
    company's zone and of its weeks (Company.week_starts_on)."""
    today = company_today(timezone_name=timezone_name, now=now)
    return week_of(today - dt.timedelta(days=7), starts_on=week_starts_on)


def send_weekly_summaries(
    *, week_of_day: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Queue the summary of a week (each company's last whole week, of its own first weekday
    and zone, unless `week_of_day` names a day of the week) to every owner and manager who
    opted in; the figures are their team timesheet's
    (the same selector as the page). Returns how many were queued."""
    now = now or timezone.now()
    viewers = (
        Member.objects.filter(
            role__in=(Member.Role.OWNER, Member.Role.MANAGER),
            user__in=list_opted_in_users(category=WEEKLY_SUMMARY),
        )
        .select_related("user", "company")
        .order_by("company__name", "user__email")
    )
    sent = 0
    for viewer in viewers:
        zone, starts_on = viewer.company.timezone, viewer.company.week_starts_on
        if week_of_day:
            period = week_of(week_of_day, starts_on=starts_on)
        else:
            period = last_week(timezone_name=zone, week_starts_on=starts_on, now=now)
        sheet = get_team_timesheet(viewer=viewer, period=period)
        rows = [
            {
                "name": line.label,
                "email": line.detail,
                "total": clock(line.total),
                "activity": "" if line.activity_percent is None else f"{line.activity_percent} %",
                "manual": clock(line.manual_seconds) if line.manual_seconds else "",
                "trimmed": clock(line.trimmed_seconds) if line.trimmed_seconds else "",
                "idle_kept": clock(line.idle_kept_seconds) if line.idle_kept_seconds else "",
                "idle_discarded": (
                    clock(line.idle_discarded_seconds) if line.idle_discarded_seconds else ""
                ),
            }
            for line in sheet.lines
            if line.total or line.trimmed_seconds or line.idle_discarded_seconds
        ]
        send_email(
            to=viewer.user.email,
            template=WEEKLY_SUMMARY,
            category=WEEKLY_SUMMARY,
            user=viewer.user,
            context={
                "company": viewer.company.name,
                "timezone": zone,
                "period": period.title,
                "rows": rows,
                "total": clock(sheet.total),
                "timesheet_path": reverse("timesheets:team") + "?" + period.query,
            },
        )
        sent += 1
    return sent
