"""Reads for timesheets: a member's time by project and task, and a team's time by member, per
day of a period. Both read the day rollups kept at ingest (a member's month is a few dozen rows)
and the period's approved changes (`counted.py`: manual time added, tracked time trimmed), and
only for members the viewer may see (companies.selectors.get_visible_members).

Manual and edited time is marked: on a member's timesheet manual time has lines of its own
("(manual)") and a line that lost trimmed time is "(edited)"; on a team's timesheet each member's
line says how much of it is manual and how much was trimmed. Activity is a share of tracked time
only: manual time has no activity to measure.

Idle time is marked too (`idle.py`): every line says how much of it is idle time the employee
kept (counted, in the total) and, on a team's timesheet, how much idle time they discarded (not
counted); a member's timesheet shows their discarded idle time in its total row, since it
belongs to no project."""

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
from worklens_server.timesheets.selectors.counted import ChangePiece, count_changes
from worklens_server.timesheets.selectors.idle import discarded_idle_seconds, kept_idle_entry_ids
from worklens_server.tracking.models import EntryDayRollup, MemberDayRollup, TimeEntry


@dataclass
class Line:
    """One line of a timesheet (a project and task, or a member), its counted seconds per day:
    tracked time less approved trims, plus approved manual time."""

    label: str
    detail: str = ""
    seconds: dict[dt.date, int] = field(default_factory=dict)
    #: Active seconds of the tracked time counted (trimmed time takes its activity with it).
    active_seconds: int = 0
    key: str = ""
    #: How much of the total is manual time.
    manual_seconds: int = 0
    #: Tracked time that approved trims took out (not in the total).
    trimmed_seconds: int = 0
    #: "manual" or "edited" for a line of a member's timesheet made of, or changed by, changes.
    mark: str = ""
    #: How much of the total is idle time the employee kept.
    idle_kept_seconds: int = 0
    #: Idle time the employee discarded (not in the total: it has no tracked time).
    idle_discarded_seconds: int = 0

    @property
    def total(self) -> int:
        return sum(self.seconds.values())

    @property
    def tracked_seconds(self) -> int:
        return self.total - self.manual_seconds

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.tracked_seconds)

    @property
    def title(self) -> str:
        """The label with its mark: "Website (manual)"."""
        return f"{self.label} ({self.mark})" if self.mark else self.label

    def on(self, day: dt.date) -> int:
        return self.seconds.get(day, 0)

    def add(self, day: dt.date, seconds: int) -> None:
        self.seconds[day] = max(0, self.on(day) + seconds)


@dataclass(frozen=True)
class Timesheet:
    period: Period
    lines: list[Line]
    #: Discarded idle time that is on no line (a member's own, which names no project).
    discarded_off_lines: int = 0

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
    def manual_seconds(self) -> int:
        return sum(line.manual_seconds for line in self.lines)

    @property
    def trimmed_seconds(self) -> int:
        return sum(line.trimmed_seconds for line in self.lines)

    @property
    def tracked_seconds(self) -> int:
        return self.total - self.manual_seconds

    @property
    def has_changes(self) -> bool:
        return bool(self.manual_seconds or self.trimmed_seconds)

    @property
    def idle_kept_seconds(self) -> int:
        return sum(line.idle_kept_seconds for line in self.lines)

    @property
    def idle_discarded_seconds(self) -> int:
        return self.discarded_off_lines + sum(line.idle_discarded_seconds for line in self.lines)

    @property
    def has_idle(self) -> bool:
        return bool(self.idle_kept_seconds or self.idle_discarded_seconds)

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.tracked_seconds)


NO_PROJECT = "No project"


def get_member_timesheet(*, member: Member, period: Period) -> Timesheet:
    """`member`'s time by project and task per day (the caller decided they may see it)."""
    rows = (
        EntryDayRollup.objects.filter(member=member, day__gte=period.start, day__lte=period.end)
        .values("day", "time_entry__project__name", "time_entry__task__name", "time_entry__idle")
        .annotate(tracked=Sum("tracked_seconds"), active=Sum("active_seconds"))
    )
    lines: dict[tuple[str, str, str], Line] = {}

    def line_of(project: str | None, task: str | None, mark: str = "") -> Line:
        label, detail = project or NO_PROJECT, task or ""
        return lines.setdefault((label, detail, mark), Line(label=label, detail=detail, mark=mark))

    for row in rows:
        line = line_of(row["time_entry__project__name"], row["time_entry__task__name"])
        line.add(row["day"], int(row["tracked"]))
        line.active_seconds += int(row["active"])
        if row["time_entry__idle"] == TimeEntry.Idle.KEPT:
            line.idle_kept_seconds += int(row["tracked"])
    zones = {member.pk: member.timezone}
    counted = count_changes(zones=zones, start=period.start, end=period.end)
    kept = _kept_trimmed(counted.pieces)
    for piece in counted.pieces:
        if piece.mark == "edited":
            line = line_of(piece.project, piece.task)
            line.add(piece.day, -piece.seconds)
            line.active_seconds = max(0, line.active_seconds - piece.active_seconds)
            line.trimmed_seconds += piece.seconds
            line.mark = "edited"
            if piece.entry_id in kept:
                line.idle_kept_seconds = max(0, line.idle_kept_seconds - piece.seconds)
        else:
            line = line_of(piece.project, piece.task, "manual")
            line.add(piece.day, piece.seconds)
            line.manual_seconds += piece.seconds
    ordered = sorted(
        lines.values(),
        # By project; in a project its tracked lines (edited or not), then its manual time.
        key=lambda line: (
            line.label == NO_PROJECT,
            line.label,
            line.mark == "manual",
            line.detail,
        ),
    )
    discarded = discarded_idle_seconds(zones=zones, start=period.start, end=period.end)
    return Timesheet(period=period, lines=ordered, discarded_off_lines=discarded.get(member.pk, 0))


def _kept_trimmed(pieces: Iterable[ChangePiece]) -> set[uuid.UUID]:
    """The kept idle entries that approved trims took time from (usually none: one query only
    when the period has trims)."""
    trimmed = {p.entry_id for p in pieces if p.mark == "edited" and p.entry_id is not None}
    return kept_idle_entry_ids(entry_ids=trimmed)


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
    by_id: dict[uuid.UUID, Line] = {}
    zones: dict[uuid.UUID, str] = {}
    for member in members:
        by_id[member.pk] = Line(
            label=member.user.display_name, detail=member.user.email, key=str(member.pk)
        )
        zones[member.pk] = member.timezone
    rows = MemberDayRollup.objects.filter(
        member_id__in=list(by_id), day__gte=period.start, day__lte=period.end
    ).values_list("member_id", "day", "tracked_seconds", "active_seconds")
    for member_id, day, tracked, active in rows:
        line = by_id[member_id]
        line.seconds[day] = int(tracked)
        line.active_seconds += int(active)
    # Per kept entry, so the trims taken from kept idle time need no query of their own.
    kept_rows = (
        EntryDayRollup.objects.filter(
            member_id__in=list(by_id),
            day__gte=period.start,
            day__lte=period.end,
            time_entry__idle=TimeEntry.Idle.KEPT,
        )
        .values_list("member_id", "time_entry_id")
        .annotate(tracked=Sum("tracked_seconds"))
    )
    kept: set[uuid.UUID] = set()
    for member_id, entry_id, tracked in kept_rows:
        by_id[member_id].idle_kept_seconds += int(tracked)
        kept.add(entry_id)
    counted = count_changes(zones=zones, start=period.start, end=period.end)
    for (member_id, day), changes in counted.by_member_day().items():
        line = by_id[member_id]
        line.add(day, changes.manual - changes.trimmed)
        line.active_seconds = max(0, line.active_seconds - changes.trimmed_active)
        line.manual_seconds += changes.manual
        line.trimmed_seconds += changes.trimmed
    for piece in counted.pieces:
        if piece.mark == "edited" and piece.entry_id in kept:
            line = by_id[piece.member_id]
            line.idle_kept_seconds = max(0, line.idle_kept_seconds - piece.seconds)
    discarded = discarded_idle_seconds(zones=zones, start=period.start, end=period.end)
    for member_id, seconds in discarded.items():
        by_id[member_id].idle_discarded_seconds = seconds
    return sorted(by_id.values(), key=lambda line: (line.label.casefold(), line.detail))


def get_team_timesheet(*, viewer: Member, period: Period, team: Team | None = None) -> Timesheet:
    """Each visible member's time per day: of `team` when given (found with get_visible_team),
    else of everyone the viewer may see."""
    members = get_visible_members(viewer=viewer).select_related("user", "company")
    if team is not None:
        members = members.filter(team_memberships__team=team)
    lines = _member_lines(members, period)
    return Timesheet(period=period, lines=lines)
