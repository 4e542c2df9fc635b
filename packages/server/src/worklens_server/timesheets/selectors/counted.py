"""Approved changes as every count sees them: manual time added, tracked time trimmed, per member
and local day (and per project and task, for a member's timesheet). A member's days are those of
their own zone (Member.timezone: theirs, else the company's), as ingest keeps their day totals.

The rules, so that no second counts twice and every page agrees:

- An approved trim takes out the tracked seconds of its time entry's slots inside [start, end),
  with their active seconds in proportion; a slot crossing local midnight is first shared out
  over its days exactly as ingest shares it (`tracking.local_days.day_shares`), so a trim takes
  from each day what that day counted.
- An approved add counts the part of [start, end) that no tracked slot of the member covers
  (tracked time that arrives later, from an agent that was offline, wins over manual time), and
  that no earlier approved add covers; tracked time an approved trim took out may be covered by
  manual time. Its seconds go to local days with the same function.
- Pending, refused and withdrawn changes count nowhere.

Cost: one range read of the approved changes of all the members asked about, on the
(member, started_at) index (a change lasts at most MAX_CHANGE, so the read starts that much
before the period); only when there are some, one read of the slots under them (one indexed
range per change, OR-ed, in batches of RANGES_PER_QUERY). A month of a team is two queries more
than without changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q, QuerySet

from worklens_server.companies.models import Member
from worklens_server.timesheets.intervals import Interval, merged, minus, overlap_seconds
from worklens_server.timesheets.models import MAX_CHANGE, TimeChange
from worklens_server.timesheets.periods import local_bounds
from worklens_server.tracking.local_days import day_shares, zone
from worklens_server.tracking.models import ActivitySlot
from worklens_wire.v1 import MAX_SLOT_SECONDS

#: A query of the slots under changes ORs at most this many index ranges: a month of a team is
#: one query, and the whole company's stays a few of a size the planner handles quickly.
RANGES_PER_QUERY = 200
Mark = Literal["manual", "edited"]


@dataclass(frozen=True)
class ChangePiece:
    """Seconds one approved change adds (manual) or takes out (edited) on one local day."""

    member_id: uuid.UUID
    day: dt.date
    mark: Mark
    seconds: int
    #: Active seconds taken out with trimmed time (manual time has no activity).
    active_seconds: int
    project: str | None
    task: str | None
    #: The project and task the seconds count on (a trim's: its time entry's).
    project_id: uuid.UUID | None
    task_id: uuid.UUID | None
    #: The change, and the tracked time entry a trim takes from.
    change_id: uuid.UUID
    entry_id: uuid.UUID | None
    #: The stretch of these seconds: [started_at, ended_at).
    started_at: dt.datetime
    ended_at: dt.datetime


@dataclass(frozen=True)
class DayChanges:
    manual: int = 0
    trimmed: int = 0
    trimmed_active: int = 0


@dataclass(frozen=True)
class CountedChanges:
    pieces: list[ChangePiece]

    def by_member_day(self) -> dict[tuple[uuid.UUID, dt.date], DayChanges]:
        totals: dict[tuple[uuid.UUID, dt.date], DayChanges] = {}
        for piece in self.pieces:
            key = (piece.member_id, piece.day)
            day = totals.get(key, DayChanges())
            if piece.mark == "manual":
                totals[key] = DayChanges(
                    day.manual + piece.seconds, day.trimmed, day.trimmed_active
                )
            else:
                totals[key] = DayChanges(
                    day.manual,
                    day.trimmed + piece.seconds,
                    day.trimmed_active + piece.active_seconds,
                )
        return totals


@dataclass(frozen=True)
class _Change:
    id: uuid.UUID
    member_id: uuid.UUID
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime
    entry_id: uuid.UUID | None
    project: str | None
    task: str | None
    project_id: uuid.UUID | None
    task_id: uuid.UUID | None


@dataclass(frozen=True)
class _Slot:
    entry_id: uuid.UUID
    started_at: dt.datetime
    seconds: int
    active: int

    @property
    def ended_at(self) -> dt.datetime:
        return self.started_at + dt.timedelta(seconds=self.seconds)


def _seconds(delta: dt.timedelta) -> int:
    return int(delta.total_seconds())


def _approved(
    member_ids: Collection[uuid.UUID], first: dt.datetime, after: dt.datetime
) -> list[_Change]:
    return _approved_where(
        Q(
            member_id__in=list(member_ids),
            started_at__gte=first - MAX_CHANGE,
            started_at__lt=after,
            ended_at__gt=first,
        )
    )


def _approved_where(condition: Q) -> list[_Change]:
    """The approved changes matching `condition`, in the order they were approved."""
    rows = (
        TimeChange.objects.filter(condition, status=TimeChange.Status.APPROVED)
        .order_by("decided_at", "requested_at", "id")
        .values(
            "id",
            "member_id",
            "kind",
            "started_at",
            "ended_at",
            "time_entry_id",
            "project_id",
            "task_id",
            "project__name",
            "task__name",
            "time_entry__project_id",
            "time_entry__task_id",
            "time_entry__project__name",
            "time_entry__task__name",
        )
    )
    changes = []
    for row in rows:
        # An add counts on the project and task it names; a trim on those of its time entry.
        add = row["kind"] == TimeChange.Kind.ADD
        changes.append(
            _Change(
                id=row["id"],
                member_id=row["member_id"],
                kind=row["kind"],
                started_at=row["started_at"],
                ended_at=row["ended_at"],
                entry_id=row["time_entry_id"],
                project=row["project__name"] if add else row["time_entry__project__name"],
                task=row["task__name"] if add else row["time_entry__task__name"],
                project_id=row["project_id"] if add else row["time_entry__project_id"],
                task_id=row["task_id"] if add else row["time_entry__task_id"],
            )
        )
    return changes


def _slots_under(changes: list[_Change]) -> dict[uuid.UUID, list[_Slot]]:
    """Each member's slots that may overlap one of `changes`: one indexed range per change (the
    overlapping ones merged), OR-ed, RANGES_PER_QUERY to a query."""
    earliest = dt.timedelta(seconds=MAX_SLOT_SECONDS)
    by_member: dict[uuid.UUID, list[Interval]] = defaultdict(list)
    for change in changes:
        by_member[change.member_id].append((change.started_at - earliest, change.ended_at))
    ranges = [
        Q(member_id=member_id, started_at__gte=start, started_at__lt=end)
        for member_id, intervals in by_member.items()
        for start, end in merged(intervals)
    ]
    slots: dict[uuid.UUID, list[_Slot]] = defaultdict(list)
    seen: set[uuid.UUID] = set()
    for first in range(0, len(ranges), RANGES_PER_QUERY):
        condition = Q()
        for one in ranges[first : first + RANGES_PER_QUERY]:
            condition |= one
        for slot_id, member_id, entry_id, start, seconds, active in (
            ActivitySlot.objects.filter(condition)
            .order_by("started_at")
            .values_list(
                "id", "member_id", "time_entry_id", "started_at", "length_seconds", "active_seconds"
            )
        ):
            if slot_id not in seen and seconds > 0:
                seen.add(slot_id)
                slots[member_id].append(_Slot(entry_id, start, seconds, active))
    return slots


def _trim_pieces(
    member_id: uuid.UUID,
    trims: list[_Change],
    slots: list[_Slot],
    tz_name: str,
) -> list[ChangePiece]:
    by_entry: dict[uuid.UUID | None, list[_Change]] = defaultdict(list)
    for trim in trims:
        by_entry[trim.entry_id].append(trim)
    pieces = []
    tz = zone(tz_name)
    for slot in slots:
        for trim in by_entry.get(slot.entry_id, ()):
            if trim.started_at >= slot.ended_at or trim.ended_at <= slot.started_at:
                continue
            share_start = slot.started_at
            for day, seconds, active, _, _ in day_shares(
                slot.started_at, slot.seconds, slot.active, 0, 0, tz
            ):
                share = (share_start, share_start + dt.timedelta(seconds=seconds))
                share_start = share[1]
                taken = overlap_seconds(share, [(trim.started_at, trim.ended_at)])
                if taken <= 0:
                    continue
                taken_active = active if taken == seconds else active * taken // seconds
                pieces.append(
                    ChangePiece(
                        member_id=member_id,
                        day=day,
                        mark="edited",
                        seconds=taken,
                        active_seconds=taken_active,
                        project=trim.project,
                        task=trim.task,
                        project_id=trim.project_id,
                        task_id=trim.task_id,
                        change_id=trim.id,
                        entry_id=trim.entry_id,
                        started_at=max(share[0], trim.started_at),
                        ended_at=min(share[1], trim.ended_at),
                    )
                )
    return pieces


def _covered_by_tracking(slots: list[_Slot], trims: list[_Change]) -> list[Interval]:
    """The stretches the member's tracked time counts: their slots less the trimmed parts."""
    cuts: dict[uuid.UUID | None, list[Interval]] = defaultdict(list)
    for trim in trims:
        cuts[trim.entry_id].append((trim.started_at, trim.ended_at))
    covered: list[Interval] = []
    for slot in slots:
        covered += minus([(slot.started_at, slot.ended_at)], cuts.get(slot.entry_id, ()))
    return merged(covered)


def _add_pieces(
    member_id: uuid.UUID,
    adds: list[_Change],
    covered: list[Interval],
    tz_name: str,
) -> list[ChangePiece]:
    pieces = []
    taken = list(covered)
    tz = zone(tz_name)
    for add in adds:  # in the order they were approved: an earlier add keeps its time
        free = minus([(add.started_at, add.ended_at)], taken)
        taken = merged([*taken, *free])
        for start, end in free:
            piece_start = start
            for day, seconds, _, _, _ in day_shares(start, _seconds(end - start), 0, 0, 0, tz):
                piece_end = piece_start + dt.timedelta(seconds=seconds)
                pieces.append(
                    ChangePiece(
                        member_id=member_id,
                        day=day,
                        mark="manual",
                        seconds=seconds,
                        active_seconds=0,
                        project=add.project,
                        task=add.task,
                        project_id=add.project_id,
                        task_id=add.task_id,
                        change_id=add.id,
                        entry_id=None,
                        started_at=piece_start,
                        ended_at=piece_end,
                    )
                )
                piece_start = piece_end
    return pieces


def _pieces(changes: list[_Change], zones: Mapping[uuid.UUID, str]) -> list[ChangePiece]:
    """What `changes` (approved, in the order they were approved) count, per member and day."""
    if not changes:
        return []
    slots = _slots_under(changes)
    by_member: dict[uuid.UUID, list[_Change]] = defaultdict(list)
    for change in changes:
        by_member[change.member_id].append(change)
    pieces: list[ChangePiece] = []
    for member_id, member_changes in by_member.items():
        zone_name = zones[member_id]
        trims = [c for c in member_changes if c.kind == TimeChange.Kind.TRIM]
        adds = [c for c in member_changes if c.kind == TimeChange.Kind.ADD]
        member_slots = slots.get(member_id, [])
        pieces += _trim_pieces(member_id, trims, member_slots, zone_name)
        if adds:
            covered = _covered_by_tracking(member_slots, trims)
            pieces += _add_pieces(member_id, adds, covered, zone_name)
    return pieces


def count_changes(
    *, zones: Mapping[uuid.UUID, str], start: dt.date, end: dt.date
) -> CountedChanges:
    """The approved changes of the members in `zones` (member id -> the zone of their days,
    Member.timezone) on their local days `start` to `end` (inclusive), as pieces per day. The
    caller decided it may see these members."""
    if not zones:
        return CountedChanges([])
    bounds = [local_bounds(start, end, zone_name) for zone_name in set(zones.values())]
    first, after = min(b[0] for b in bounds), max(b[1] for b in bounds)
    pieces = _pieces(_approved(zones, first, after), zones)
    return CountedChanges([piece for piece in pieces if start <= piece.day <= end])


def count_project_changes(
    *, project_ids: Collection[uuid.UUID], member_ids: QuerySet[Any, Any] | None
) -> CountedChanges:
    """The approved changes on the projects `project_ids` over their whole history (an add
    naming one, a trim of a time entry on one), of the members in `member_ids` (None: all), as
    the timesheets count them: each is counted beside every approved change of its member that
    it overlaps, so manual time covered by an earlier add or by tracked time counts here no more
    than there. Three queries when there are some: the project's changes, their members' changes
    around them, the slots under those."""
    if not project_ids:
        return CountedChanges([])
    ids = list(project_ids)
    on_projects = TimeChange.objects.filter(
        Q(kind=TimeChange.Kind.ADD, project_id__in=ids)
        | Q(kind=TimeChange.Kind.TRIM, time_entry__project_id__in=ids),
        status=TimeChange.Status.APPROVED,
    )
    if member_ids is not None:
        on_projects = on_projects.filter(member_id__in=member_ids)
    windows: dict[uuid.UUID, Interval] = {}
    wanted: set[uuid.UUID] = set()
    for change_id, member_id, start, end in on_projects.values_list(
        "id", "member_id", "started_at", "ended_at"
    ):
        wanted.add(change_id)
        first, after = windows.get(member_id, (start, end))
        windows[member_id] = (min(first, start), max(after, end))
    if not wanted:
        return CountedChanges([])
    around = Q()
    for member_id, (first, after) in windows.items():
        around |= Q(
            member_id=member_id,
            started_at__gte=first - MAX_CHANGE,
            started_at__lt=after,
            ended_at__gt=first,
        )
    members = Member.objects.filter(pk__in=list(windows)).select_related("user", "company")
    zones = {member.pk: member.timezone for member in members}
    pieces = _pieces(_approved_where(around), zones)
    return CountedChanges([piece for piece in pieces if piece.change_id in wanted])
