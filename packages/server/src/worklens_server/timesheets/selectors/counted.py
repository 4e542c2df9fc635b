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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from django.db.models import Q

from worklens_server.timesheets.models import MAX_CHANGE, TimeChange
from worklens_server.timesheets.periods import local_bounds
from worklens_server.tracking.local_days import day_shares, zone
from worklens_server.tracking.models import ActivitySlot
from worklens_wire.v1 import MAX_SLOT_SECONDS

Interval = tuple[dt.datetime, dt.datetime]
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


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of `intervals`, as sorted intervals that neither overlap nor touch."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def minus(intervals: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """What of `intervals` lies outside every cut."""
    cut_list = merged(cuts)
    out: list[Interval] = []
    for start, end in merged(intervals):
        for cut_start, cut_end in cut_list:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                out.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return out


def overlap_seconds(interval: Interval, others: Iterable[Interval]) -> int:
    start, end = interval
    return sum(
        _seconds(min(end, other_end) - max(start, other_start))
        for other_start, other_end in others
        if other_start < end and other_end > start
    )


def _approved(
    member_ids: Collection[uuid.UUID], first: dt.datetime, after: dt.datetime
) -> list[_Change]:
    rows = (
        TimeChange.objects.filter(
            member_id__in=list(member_ids),
            started_at__gte=first - MAX_CHANGE,
            started_at__lt=after,
            ended_at__gt=first,
            status=TimeChange.Status.APPROVED,
        )
        .order_by("decided_at", "requested_at", "id")
        .values_list(
            "id",
            "member_id",
            "kind",
            "started_at",
            "ended_at",
            "time_entry_id",
            "project__name",
            "task__name",
            "time_entry__project__name",
            "time_entry__task__name",
        )
    )
    changes = []
    for change_id, member_id, kind, start, end, entry_id, *names in rows:
        project, task, entry_project, entry_task = names
        add = kind == TimeChange.Kind.ADD
        changes.append(
            _Change(
                id=change_id,
                member_id=member_id,
                kind=kind,
                started_at=start,
                ended_at=end,
                entry_id=entry_id,
                project=project if add else entry_project,
                task=task if add else entry_task,
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
                        change_id=add.id,
                        entry_id=None,
                        started_at=piece_start,
                        ended_at=piece_end,
                    )
                )
                piece_start = piece_end
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
    changes = _approved(zones, first, after)
    if not changes:
        return CountedChanges([])
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
    return CountedChanges([piece for piece in pieces if start <= piece.day <= end])
