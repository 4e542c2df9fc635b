"""Reads for timesheets: a member's time by project and task, and a team's time by member, per
day of a period. Both read the day rollups kept at ingest (a member's month is a few dozen rows),
and only for members the viewer may see (companies.selectors.get_visible_members)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Sum

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_managed_team_ids, get_visible_members
from worklens_server.formatting import percent
from worklens_server.timesheets.periods import Period
from worklens_server.tracking.models import EntryDayRollup, MemberDayRollup


@dataclass
class Line:
    """One line of a timesheet (a project and task, or a member), its seconds per day."""

    label: str
    detail: str = ""
    seconds: dict[dt.date, int] = field(default_factory=dict)
    active_seconds: int = 0
    key: str = ""

    @property
    def total(self) -> int:
        return sum(self.seconds.values())

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.total)

    def on(self, day: dt.date) -> int:
        return self.seconds.get(day, 0)


@dataclass(frozen=True)
class Timesheet:
    period: Period
    lines: list[Line]

    @property
    def rows(self) -> list[tuple[Line, list[int]]]:
        """Each line with its seconds on each day of the period, for a table."""
        days = self.period.days
        return [(line, [line.on(day) for day in days]) for line in self.lines]

    def day_total(self, day: dt.date) -> int:
        return sum(line.on(day) for line in self.lines)

    @property
    def day_totals(self) -> list[tuple[dt.date, int]]:
        return [(day, self.day_total(day)) for day in self.period.days]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def active_seconds(self) -> int:
        return sum(line.active_seconds for line in self.lines)

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.total)


NO_PROJECT = "No project"


def get_member_timesheet(*, member: Member, period: Period) -> Timesheet:
    """`member`'s time by project and task per day (the caller decided they may see it)."""
    rows = (
        EntryDayRollup.objects.filter(member=member, day__gte=period.start, day__lte=period.end)
        .values("day", "time_entry__project__name", "time_entry__task__name")
        .annotate(tracked=Sum("tracked_seconds"), active=Sum("active_seconds"))
    )
    lines: dict[tuple[str, str], Line] = {}
    for row in rows:
        project = row["time_entry__project__name"] or NO_PROJECT
        task = row["time_entry__task__name"] or ""
        line = lines.setdefault((project, task), Line(label=project, detail=task))
        line.seconds[row["day"]] = line.on(row["day"]) + int(row["tracked"])
        line.active_seconds += int(row["active"])
    ordered = sorted(
        lines.values(), key=lambda line: (line.label == NO_PROJECT, line.label, line.detail)
    )
    return Timesheet(period=period, lines=ordered)


def get_visible_team(*, viewer: Member, team_id: uuid.UUID) -> Team | None:
    """The team when `viewer` may see it: any team of the company for an owner, the teams they
    manage for a manager; None otherwise (another company's team, or not theirs)."""
    teams = Team.objects.filter(company_id=viewer.company_id, pk=team_id)
    if viewer.role != Member.Role.OWNER:
        teams = teams.filter(pk__in=get_managed_team_ids(viewer=viewer))
    return teams.first()


def list_visible_teams(*, viewer: Member) -> list[Team]:
    teams = Team.objects.filter(company_id=viewer.company_id).order_by("name")
    if viewer.role != Member.Role.OWNER:
        teams = teams.filter(pk__in=get_managed_team_ids(viewer=viewer))
    return list(teams)


def _member_lines(members: Iterable[Member], period: Period) -> list[Line]:
    by_id = {
        member.pk: Line(
            label=member.user.display_name, detail=member.user.email, key=str(member.pk)
        )
        for member in members
    }
    rows = MemberDayRollup.objects.filter(
        member_id__in=list(by_id), day__gte=period.start, day__lte=period.end
    ).values_list("member_id", "day", "tracked_seconds", "active_seconds")
    for member_id, day, tracked, active in rows:
        line = by_id[member_id]
        line.seconds[day] = int(tracked)
        line.active_seconds += int(active)
    return sorted(by_id.values(), key=lambda line: (line.label.casefold(), line.detail))


def get_team_timesheet(*, viewer: Member, period: Period, team: Team | None = None) -> Timesheet:
    """Each visible member's time per day: of `team` when given (found with get_visible_team),
    else of everyone the viewer may see."""
    members = get_visible_members(viewer=viewer).select_related("user")
    if team is not None:
        members = members.filter(team_memberships__team=team)
    return Timesheet(period=period, lines=_member_lines(members, period))
