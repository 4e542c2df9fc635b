"""Reads of submitted weeks: a member's week with its history, which weeks are locked, and the
weeks waiting for a viewer's approval with their totals.

A stored week holds the seven days from its `week_start`, whatever the company's first weekday is
now: after the owner changes it, weeks submitted before keep their days. So what locks a day is
read by date range (an approved week whose seven days hold it), never by matching the week's
first day to the current setting, and a week page lists every stored week that overlaps it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_visible_members
from worklens_server.timesheets.models import (
    MAX_CHANGE,
    TimeChange,
    TimesheetWeek,
    WeekEvent,
)
from worklens_server.timesheets.periods import local_bounds
from worklens_server.timesheets.selectors.changes import decidable_members
from worklens_server.timesheets.selectors.counted import count_changes
from worklens_server.tracking.models import MemberDayRollup

_EVENTS = Prefetch("events", queryset=WeekEvent.objects.select_related("by__user"))


def get_week(*, member: Member, week_start: dt.date) -> TimesheetWeek | None:
    """`member`'s week starting on `week_start`, with its events; None until submitted."""
    return (
        TimesheetWeek.objects.filter(member=member, week_start=week_start)
        .prefetch_related(_EVENTS)
        .first()
    )


def _overlapping(member: Member, first_day: dt.date, last_day: dt.date) -> QuerySet[TimesheetWeek]:
    # A week holds its first day and the six after it: one range read on the unique index.
    return TimesheetWeek.objects.filter(
        member=member,
        week_start__gt=first_day - dt.timedelta(days=7),
        week_start__lte=last_day,
    ).order_by("week_start")


def list_weeks_overlapping(
    *, member: Member, first_day: dt.date, last_day: dt.date
) -> list[TimesheetWeek]:
    """`member`'s stored weeks holding any of the days `first_day` to `last_day`, with their
    events: more than one when the company's first weekday changed after some were submitted."""
    return list(_overlapping(member, first_day, last_day).prefetch_related(_EVENTS))


def locked_weeks(*, member: Member, first_day: dt.date, last_day: dt.date) -> list[TimesheetWeek]:
    """`member`'s approved, so locked, weeks holding any of the days `first_day` to `last_day`."""
    return list(
        _overlapping(member, first_day, last_day).filter(status=TimesheetWeek.Status.APPROVED)
    )


def find_visible_week(*, viewer: Member, week_id: uuid.UUID) -> TimesheetWeek | None:
    """The week when its member is someone `viewer` may see, in their company."""
    return (
        TimesheetWeek.objects.filter(
            pk=week_id,
            company_id=viewer.company_id,
            member__in=get_visible_members(viewer=viewer).values("pk"),
        )
        .select_related("member__user", "member__company")
        .first()
    )


def pending_changes_in_week(*, member: Member, week_start: dt.date) -> int:
    first, after = local_bounds(week_start, week_start + dt.timedelta(days=6), member.timezone)
    return TimeChange.objects.filter(
        member=member,
        status=TimeChange.Status.PENDING,
        started_at__gte=first - MAX_CHANGE,
        started_at__lt=after,
        ended_at__gt=first,
    ).count()


@dataclass(frozen=True)
class WaitingWeek:
    week: TimesheetWeek
    submitted_at: dt.datetime | None
    #: What the member wrote when submitting.
    submitted_comment: str
    total_seconds: int
    manual_seconds: int
    trimmed_seconds: int
    pending_changes: int


def list_waiting_weeks(*, viewer: Member, team: Team | None = None) -> list[WaitingWeek]:
    """Submitted weeks waiting for `viewer`'s decision (of one team when given), oldest first,
    with what each counts (in each member's own days): five queries whatever their number."""
    members = decidable_members(viewer=viewer)
    if team is not None:
        members = members.filter(team_memberships__team=team)
    weeks = list(
        TimesheetWeek.objects.filter(
            company_id=viewer.company_id,
            status=TimesheetWeek.Status.SUBMITTED,
            member__in=members.values("pk"),
        )
        .select_related("member__user", "member__company")
        .prefetch_related(_EVENTS)
        .order_by("week_start", "member__user__email")
    )
    if not weeks:
        return []
    zones = {week.member_id: week.member.timezone for week in weeks}
    bounds = {
        (week.member_id, week.week_start): local_bounds(
            week.week_start, week.week_end, zones[week.member_id]
        )
        for week in weeks
    }
    first_day = min(week.week_start for week in weeks)
    last_day = max(week.week_end for week in weeks)
    # Each day counts in every waiting week of its member that holds it: two can overlap when
    # the company's first weekday changed between their submissions.
    weeks_of_day: dict[tuple[uuid.UUID, dt.date], list[dt.date]] = defaultdict(list)
    for week in weeks:
        for offset in range(7):
            day = week.week_start + dt.timedelta(days=offset)
            weeks_of_day[(week.member_id, day)].append(week.week_start)
    tracked: dict[tuple[uuid.UUID, dt.date], int] = defaultdict(int)
    in_weeks = Q()
    for week in weeks:
        in_weeks |= Q(member_id=week.member_id, day__gte=week.week_start, day__lte=week.week_end)
    for member_id, day, seconds in MemberDayRollup.objects.filter(in_weeks).values_list(
        "member_id", "day", "tracked_seconds"
    ):
        for week_start in weeks_of_day[(member_id, day)]:
            tracked[(member_id, week_start)] += int(seconds)
    manual: dict[tuple[uuid.UUID, dt.date], int] = defaultdict(int)
    trimmed: dict[tuple[uuid.UUID, dt.date], int] = defaultdict(int)
    for piece in count_changes(zones=zones, start=first_day, end=last_day).pieces:
        for week_start in weeks_of_day.get((piece.member_id, piece.day), []):
            key = (piece.member_id, week_start)
            (manual if piece.mark == "manual" else trimmed)[key] += piece.seconds
    first = min(b[0] for b in bounds.values())
    after = max(b[1] for b in bounds.values())
    pending: dict[tuple[uuid.UUID, dt.date], int] = defaultdict(int)
    for member_id, started_at, ended_at in TimeChange.objects.filter(
        member_id__in=set(zones),
        status=TimeChange.Status.PENDING,
        started_at__gte=first - MAX_CHANGE,
        started_at__lt=after,
        ended_at__gt=first,
    ).values_list("member_id", "started_at", "ended_at"):
        for (week_member, week_start), (week_first, week_after) in bounds.items():
            if week_member == member_id and started_at < week_after and ended_at > week_first:
                pending[(member_id, week_start)] += 1
    waiting = []
    for week in weeks:
        key = (week.member_id, week.week_start)
        submitted = [e for e in week.events.all() if e.action == WeekEvent.Action.SUBMITTED]
        waiting.append(
            WaitingWeek(
                week=week,
                submitted_at=submitted[-1].at if submitted else None,
                submitted_comment=submitted[-1].comment if submitted else "",
                total_seconds=tracked[key] + manual[key] - trimmed[key],
                manual_seconds=manual[key],
                trimmed_seconds=trimmed[key],
                pending_changes=pending[key],
            )
        )
    return waiting
