"""Time counted on projects and what it comes to, per project, task and member: tracked time,
plus approved manual time, less approved trims, as the timesheets count it.

Tracked time is read from the per time entry and day rollups (`tracking.EntryDayRollup`, kept
exact by ingest), joined to their time entries by project: a project's whole history is a few
rows per entry, never its raw slots. The join uses the time entries' project index and the
rollups' (time entry, day) unique index. Approved changes are added through the one selector
every count uses (`timesheets.selectors.counted.count_project_changes`, docs/architecture.md,
"Data flow" step 6), so a project page and a timesheet never disagree about manual time; pending
changes count nowhere. Callers pass the members whose time the viewer may see
(companies.selectors.get_visible_members), so a manager's sums hold only their teams' time.

An amount is counted hours times the rate: the member's own rate on the project when they have
one, else the project's; time without either rate is not billed. Amounts use today's rates.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from worklens_server.projects.models import Assignment
from worklens_server.timesheets.selectors.counted import ChangePiece, count_project_changes
from worklens_server.tracking.models import EntryDayRollup

SECONDS_PER_HOUR = Decimal(3600)


def _rollups(
    project_ids: Collection[uuid.UUID], member_ids: QuerySet[Any, Any] | None
) -> QuerySet[EntryDayRollup]:
    rollups = EntryDayRollup.objects.filter(time_entry__project_id__in=list(project_ids))
    if member_ids is not None:
        rollups = rollups.filter(member_id__in=member_ids)
    return rollups.order_by()


def _counted(piece: ChangePiece) -> int:
    """What a piece of an approved change does to a count: manual time adds, a trim takes."""
    return piece.seconds if piece.mark == "manual" else -piece.seconds


def seconds_by_project_and_member(
    *, project_ids: Collection[uuid.UUID], member_ids: QuerySet[Any, Any] | None
) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
    """{project id: {member id: counted seconds}}, of the members in `member_ids` (None: all)."""
    if not project_ids:
        return {}
    sums = (
        _rollups(project_ids, member_ids)
        .values("time_entry__project_id", "member_id")
        .annotate(seconds=Sum("tracked_seconds"))
    )
    found: dict[uuid.UUID, dict[uuid.UUID, int]] = defaultdict(lambda: defaultdict(int))
    for row in sums:
        found[row["time_entry__project_id"]][row["member_id"]] += int(row["seconds"])
    changes = count_project_changes(project_ids=project_ids, member_ids=member_ids)
    for piece in changes.pieces:
        if piece.project_id is not None:
            found[piece.project_id][piece.member_id] += _counted(piece)
    return {project: dict(members) for project, members in found.items()}


def seconds_by_task(
    *, project_id: uuid.UUID, member_ids: QuerySet[Any, Any] | None
) -> dict[uuid.UUID | None, int]:
    """{task id (None: no task): counted seconds} of one project."""
    sums = (
        _rollups([project_id], member_ids)
        .values("time_entry__task_id")
        .annotate(seconds=Sum("tracked_seconds"))
    )
    found: dict[uuid.UUID | None, int] = defaultdict(int)
    for row in sums:
        found[row["time_entry__task_id"]] += int(row["seconds"])
    changes = count_project_changes(project_ids=[project_id], member_ids=member_ids)
    for piece in changes.pieces:
        found[piece.task_id] += _counted(piece)
    return dict(found)


def member_rates(
    *, project_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, dict[uuid.UUID, Decimal]]:
    """{project id: {member id: the member's own hourly rate}} (members without one left out)."""
    found: dict[uuid.UUID, dict[uuid.UUID, Decimal]] = defaultdict(dict)
    rows = Assignment.objects.filter(
        project_id__in=list(project_ids), hourly_rate__isnull=False
    ).values_list("project_id", "member_id", "hourly_rate")
    for project_id, member_id, rate in rows:
        if rate is not None:
            found[project_id][member_id] = rate
    return dict(found)


def rate_for(
    member_id: uuid.UUID, project_rate: Decimal | None, own_rates: Mapping[uuid.UUID, Decimal]
) -> Decimal | None:
    """The rate a member's time on a project is billed at; None: not billed."""
    return own_rates.get(member_id, project_rate)


def amount_for(seconds: int, rate: Decimal | None) -> Decimal | None:
    return None if rate is None else Decimal(seconds) * rate / SECONDS_PER_HOUR


def project_amount(
    seconds_by_member: Mapping[uuid.UUID, int],
    project_rate: Decimal | None,
    own_rates: Mapping[uuid.UUID, Decimal],
) -> Decimal | None:
    """What a project's tracked time comes to; None when none of it is billed."""
    total: Decimal | None = None
    for member_id, seconds in seconds_by_member.items():
        amount = amount_for(seconds, rate_for(member_id, project_rate, own_rates))
        if amount is not None:
            total = amount if total is None else total + amount
    return total
