"""Changes to a member's own time: manual time they forgot (`add`), a part of one of their tracked
time entries that should not count (`trim`), and the decisions on them.

The rules, each a TimesheetRefused with a message that says what to do:

- only the member asks for changes of their time (the views pass the signed-in member), and
  only of their own time entries; tracked activity itself is never edited;
- a reason is required; a change lies in the past and covers at most MAX_CHANGE;
- no second counts twice: added time may not overlap tracked time (except what an approved trim
  took out) nor other added time asked for or approved; a trim lies inside its entry, holds
  tracked time, and does not overlap another trim of that entry asked for or approved;
- nothing changes in an approved (locked) week: no new change, no decision, no withdrawal;
- with the company's "changes need approval" off, a change is approved at once by the rules;
  otherwise an owner decides for anyone, a manager for the members of their teams who are not
  owners, and nobody for themselves. The overlap rules are checked again when an add is
  approved: tracked time uploaded since then wins.

Each write locks the member's row first (on PostgreSQL), so two requests of one member cannot
both pass the overlap check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from worklens_server.companies.models import Member
from worklens_server.projects.models import Project, Task
from worklens_server.projects.selectors import usable_projects
from worklens_server.timesheets.intervals import Interval, merged, minus
from worklens_server.timesheets.models import MAX_CHANGE, TimeChange
from worklens_server.timesheets.periods import local_days_of, moment_text, stretch_text
from worklens_server.timesheets.selectors.changes import get_settings, may_decide
from worklens_server.timesheets.selectors.weeks import locked_weeks
from worklens_server.timesheets.services import notices
from worklens_server.timesheets.services.errors import NotPermitted, TimesheetRefused, WeekLocked
from worklens_server.tracking.models import ActivitySlot, TimeEntry
from worklens_wire.v1 import MAX_SLOT_SECONDS

MAX_TEXT = 1000
#: Statuses that hold a stretch of time: another change may not overlap it.
HOLDING = (TimeChange.Status.PENDING, TimeChange.Status.APPROVED)


def _lock(member: Member) -> None:
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()


def _check_text(reason: str, notes: str = "") -> str:
    reason = reason.strip()
    if not reason:
        raise TimesheetRefused("Say why: a reason is required for every change of your time.")
    if len(reason) > MAX_TEXT or len(notes) > MAX_TEXT:
        raise TimesheetRefused(f"A reason or notes hold at most {MAX_TEXT} characters.")
    return reason


def _check_stretch(start: dt.datetime, end: dt.datetime, now: dt.datetime, zone_name: str) -> None:
    if end <= start:
        raise TimesheetRefused("The end must be after the start.")
    if end - start > MAX_CHANGE:
        raise TimesheetRefused("A change covers at most 24 hours; ask for longer time in parts.")
    if end > now:
        raise TimesheetRefused(
            f"Time in the future cannot be changed: the stretch ends "
            f"{moment_text(end, zone_name)}, and it is now {moment_text(now, zone_name)}."
        )


def check_unlocked(member: Member, start: dt.datetime, end: dt.datetime) -> None:
    """Refuses a stretch in an approved week of `member`: any approved week holding one of the
    stretch's local days, so a week approved before the company's first weekday changed still
    locks its own seven days."""
    first_day, last_day = local_days_of(start, end, member.timezone)
    locked = locked_weeks(member=member, first_day=first_day, last_day=last_day)
    if locked:
        raise WeekLocked(
            f"The week of {locked[0].week_start:%a %d %b %Y} is approved and locked: nothing in "
            "it changes until a manager or an owner reopens it."
        )


def _approved_trims(member: Member, start: dt.datetime, end: dt.datetime) -> list[TimeChange]:
    return list(
        TimeChange.objects.filter(
            member=member,
            kind=TimeChange.Kind.TRIM,
            status=TimeChange.Status.APPROVED,
            started_at__gte=start - MAX_CHANGE,
            started_at__lt=end,
            ended_at__gt=start,
        )
    )


def tracked_in(member: Member, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The parts of [start, end) that the member's tracked time counts: their slots (from any
    device), less what approved trims took out."""
    cuts: dict[object, list[Interval]] = {}
    for trim in _approved_trims(member, start, end):
        cuts.setdefault(trim.time_entry_id, []).append((trim.started_at, trim.ended_at))
    covered: list[Interval] = []
    for entry_id, slot_start, seconds in ActivitySlot.objects.filter(
        member=member,
        started_at__gte=start - dt.timedelta(seconds=MAX_SLOT_SECONDS),
        started_at__lt=end,
    ).values_list("time_entry_id", "started_at", "length_seconds"):
        slot = (slot_start, slot_start + dt.timedelta(seconds=seconds))
        covered += minus([slot], cuts.get(entry_id, []))
    return [(max(a, start), min(b, end)) for a, b in merged(covered) if a < end and b > start]


def _check_no_double_count(
    member: Member, start: dt.datetime, end: dt.datetime, *, exclude: TimeChange | None = None
) -> None:
    zone_name = member.timezone
    tracked = tracked_in(member, start, end)
    if tracked:
        a, b = tracked[0]
        raise TimesheetRefused(
            f"{stretch_text(a, b, zone_name)} is tracked time already; added time may not "
            "overlap it (no second counts twice)."
        )
    others = TimeChange.objects.filter(
        member=member,
        kind=TimeChange.Kind.ADD,
        status__in=HOLDING,
        started_at__lt=end,
        ended_at__gt=start,
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    other = others.order_by("started_at").first()
    if other is not None:
        stretch = stretch_text(other.started_at, other.ended_at, zone_name)
        raise TimesheetRefused(
            f"It overlaps time you added already ({stretch}, "
            f"{other.get_status_display().lower()}); no second counts twice."
        )


def _new_change(member: Member, now: dt.datetime, **fields: object) -> TimeChange:
    change = TimeChange(company_id=member.company_id, member=member, requested_at=now, **fields)
    if not get_settings(company_id=member.company_id).changes_need_approval:
        change.status = TimeChange.Status.APPROVED
        change.decided_at = now
        change.decided_automatically = True
    change.save()
    return change


@transaction.atomic
def request_added_time(
    *,
    member: Member,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    reason: str,
    project: Project | None = None,
    task: Task | None = None,
    notes: str = "",
) -> TimeChange:
    """`member` adds time they forgot to track, on a project and task, with a reason."""
    now = timezone.now()
    start, end = started_at.replace(microsecond=0), ended_at.replace(microsecond=0)
    zone_name = member.timezone
    reason = _check_text(reason, notes)
    _check_stretch(start, end, now, zone_name)
    if project is not None and not (
        usable_projects(member_id=member.pk, company_id=member.company_id)
        .filter(pk=project.pk)
        .exists()
    ):
        raise TimesheetRefused("Choose one of your open projects: this one is closed or not yours.")
    if task is not None and (project is None or task.project_id != project.pk or task.is_archived):
        raise TimesheetRefused("Choose a task of the chosen project.")
    _lock(member)
    check_unlocked(member, start, end)
    _check_no_double_count(member, start, end)
    return _new_change(
        member,
        now,
        kind=TimeChange.Kind.ADD,
        started_at=start,
        ended_at=end,
        project=project,
        task=task,
        notes=notes.strip(),
        reason=reason,
    )


def _tracked_seconds_of(entry: TimeEntry, start: dt.datetime, end: dt.datetime) -> int:
    covered = tracked_in(entry.member, start, end)
    slots = [
        (s, s + dt.timedelta(seconds=n))
        for s, n in ActivitySlot.objects.filter(
            time_entry=entry,
            started_at__gte=start - dt.timedelta(seconds=MAX_SLOT_SECONDS),
            started_at__lt=end,
        ).values_list("started_at", "length_seconds")
    ]
    inside = minus(covered, minus(covered, slots))  # covered ∩ this entry's slots
    return sum(int((b - a).total_seconds()) for a, b in inside)


@transaction.atomic
def request_trim(
    *, member: Member, entry: TimeEntry, started_at: dt.datetime, ended_at: dt.datetime, reason: str
) -> TimeChange:
    """`member` asks that [started_at, ended_at) of their tracked `entry` not count."""
    if entry.member_id != member.pk:
        raise NotPermitted("Nobody changes another person's tracked time.")
    now = timezone.now()
    start, end = started_at.replace(microsecond=0), ended_at.replace(microsecond=0)
    zone_name = member.timezone
    reason = _check_text(reason)
    _check_stretch(start, end, now, zone_name)
    entry_end = entry.stopped_at or now
    if start < entry.started_at or end > entry_end:
        raise TimesheetRefused(
            "A trim lies inside its entry: this one runs "
            f"{stretch_text(entry.started_at, entry_end, zone_name)}."
        )
    _lock(member)
    check_unlocked(member, start, end)
    other = (
        TimeChange.objects.filter(
            time_entry=entry, status__in=HOLDING, started_at__lt=end, ended_at__gt=start
        )
        .order_by("started_at")
        .first()
    )
    if other is not None:
        raise TimesheetRefused(
            f"It overlaps a trim of this entry asked for already "
            f"({stretch_text(other.started_at, other.ended_at, zone_name)}, "
            f"{other.get_status_display().lower()})."
        )
    if _tracked_seconds_of(entry, start, end) == 0:
        raise TimesheetRefused("No tracked time of this entry counts in that stretch.")
    return _new_change(
        member,
        now,
        kind=TimeChange.Kind.TRIM,
        started_at=start,
        ended_at=end,
        time_entry=entry,
        reason=reason,
    )


def check_may_decide(*, by: Member, member: Member) -> None:
    """Refuses `by` deciding `member`'s time (changes and weeks alike)."""
    if by.pk == member.pk:
        whom = "another owner" if by.role == Member.Role.OWNER else "a manager or an owner"
        raise NotPermitted(f"Nobody approves their own time: {whom} decides it.")
    if not may_decide(viewer=by, member=member):
        if member.role == Member.Role.OWNER:
            raise NotPermitted("An owner's time is decided by another owner.")
        raise NotPermitted(
            f"Only an owner or a manager of {member.user.display_name}'s team decides this."
        )


def _decide(change: TimeChange, by: Member, approve: bool, comment: str, now: dt.datetime) -> None:
    if change.company_id != by.company_id:
        raise NotPermitted("No such change.")
    check_may_decide(by=by, member=change.member)
    if change.status != TimeChange.Status.PENDING:
        raise TimesheetRefused(f"This change is {change.get_status_display().lower()} already.")
    check_unlocked(change.member, change.started_at, change.ended_at)
    if approve and change.kind == TimeChange.Kind.ADD:
        _check_no_double_count(change.member, change.started_at, change.ended_at, exclude=change)
    change.status = TimeChange.Status.APPROVED if approve else TimeChange.Status.REFUSED
    change.decided_by = by
    change.decided_at = now
    change.decision_comment = comment
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])


@transaction.atomic
def decide_changes(
    *, changes: Sequence[TimeChange], by: Member, approve: bool, comment: str = ""
) -> list[TimeChange]:
    """`by` approves (or refuses) each of `changes`, all or none; each member is told."""
    comment = comment.strip()
    if len(comment) > MAX_TEXT:
        raise TimesheetRefused(f"A comment holds at most {MAX_TEXT} characters.")
    if not changes:
        raise TimesheetRefused("Choose at least one change.")
    now = timezone.now()
    for member_id in sorted({str(change.member_id) for change in changes}):
        _lock(next(c.member for c in changes if str(c.member_id) == member_id))
    for change in changes:
        change.refresh_from_db(fields=["status"])  # as it is now that its member is locked
        _decide(change, by, approve, comment, now)
    for change in changes:
        notices.change_decided(change=change)
    return list(changes)


@transaction.atomic
def withdraw_change(*, change: TimeChange, by: Member) -> TimeChange:
    """The member takes back a change still waiting for a decision."""
    if by.pk != change.member_id:
        raise NotPermitted("Only the member who asked for a change withdraws it.")
    _lock(by)
    change.refresh_from_db()
    if change.status != TimeChange.Status.PENDING:
        raise TimesheetRefused(f"This change is {change.get_status_display().lower()} already.")
    check_unlocked(change.member, change.started_at, change.ended_at)
    change.status = TimeChange.Status.WITHDRAWN
    change.decided_by = by
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    return change
