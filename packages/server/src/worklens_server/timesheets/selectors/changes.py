"""Reads of changes and of who may decide them.

Who decides (changes and weeks alike): an owner decides for anyone of the company, a manager for
the members of the teams they manage who are not owners (an owner's time needs another owner);
nobody decides their own. Everything here is scoped to the viewer's company.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from django.db.models import Q, QuerySet

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_managed_team_ids, get_visible_members
from worklens_server.timesheets.models import MAX_CHANGE, TimeChange, TimesheetSettings
from worklens_server.tracking.models import TimeEntry


def get_settings(*, company_id: uuid.UUID) -> TimesheetSettings:
    """The company's timesheet settings; the defaults (unsaved) when it never changed them."""
    found = TimesheetSettings.objects.filter(company_id=company_id).first()
    return found or TimesheetSettings(company_id=company_id)


def decidable_members(*, viewer: Member) -> QuerySet[Member]:
    """The members whose changes and weeks `viewer` approves or refuses."""
    in_company = Member.objects.filter(company_id=viewer.company_id).exclude(pk=viewer.pk)
    if viewer.role == Member.Role.OWNER:
        return in_company
    if viewer.role != Member.Role.MANAGER:
        return in_company.none()
    return (
        in_company.filter(team_memberships__team_id__in=get_managed_team_ids(viewer=viewer))
        .exclude(role=Member.Role.OWNER)
        .distinct()
    )


def may_decide(*, viewer: Member, member: Member) -> bool:
    return decidable_members(viewer=viewer).filter(pk=member.pk).exists()


def list_changes(*, member: Member, first: dt.datetime, after: dt.datetime) -> list[TimeChange]:
    """`member`'s changes touching [first, after), every status, oldest first, for their
    timesheet (the caller decided the viewer may see the member)."""
    return list(
        TimeChange.objects.filter(
            member=member,
            started_at__gte=first - MAX_CHANGE,
            started_at__lt=after,
            ended_at__gt=first,
        )
        .select_related(
            "project", "task", "time_entry__project", "time_entry__task", "decided_by__user"
        )
        .order_by("started_at", "requested_at")
    )


def list_pending_changes(*, viewer: Member, team: Team | None = None) -> list[TimeChange]:
    """Changes waiting for `viewer`'s decision, of one team when given, oldest first."""
    members = decidable_members(viewer=viewer)
    if team is not None:
        members = members.filter(team_memberships__team=team)
    return list(
        TimeChange.objects.filter(
            company_id=viewer.company_id,
            status=TimeChange.Status.PENDING,
            member__in=members.values("pk"),
        )
        .select_related(
            "member__user", "project", "task", "time_entry__project", "time_entry__task"
        )
        .order_by("started_at", "requested_at")
    )


def find_visible_changes(*, viewer: Member, change_ids: Collection[uuid.UUID]) -> list[TimeChange]:
    """The changes among `change_ids` of members `viewer` may see (in their company); a missing
    one means the caller should answer as if none existed."""
    return list(
        TimeChange.objects.filter(
            pk__in=list(change_ids),
            company_id=viewer.company_id,
            member__in=get_visible_members(viewer=viewer).values("pk"),
        )
        .select_related("member__user", "member__company", "project", "task")
        .order_by("started_at")
    )


def find_own_entry(*, member: Member, entry_id: uuid.UUID) -> TimeEntry | None:
    """One of `member`'s own tracked time entries: nobody changes another person's time (and a
    discarded idle stretch holds no tracked time to trim)."""
    return (
        TimeEntry.objects.filter(member=member, company_id=member.company_id, pk=entry_id)
        .exclude(idle=TimeEntry.Idle.DISCARDED)
        .select_related("project", "task")
        .first()
    )


def list_entries(*, member: Member, first: dt.datetime, after: dt.datetime) -> list[TimeEntry]:
    """`member`'s tracked time entries that started in [first, after) or run into it from the
    day before, for the choice of the entry to trim (discarded idle stretches, which hold no
    tracked time, left out)."""
    return list(
        TimeEntry.objects.filter(
            member=member, started_at__lt=after, started_at__gte=first - dt.timedelta(days=1)
        )
        .filter(Q(stopped_at__gt=first) | Q(stopped_at__isnull=True))
        .exclude(idle=TimeEntry.Idle.DISCARDED)
        .select_related("project", "task")
        .order_by("started_at")
    )
