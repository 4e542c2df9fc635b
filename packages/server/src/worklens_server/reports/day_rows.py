"""The raw rows of one local day for several members at once: what the timeline and the gallery
draw. Each member's day is their own (Member.timezone), as on the member day page and the
timesheets; callers decided who may see `members`.

A team's day is a handful of queries whatever its size (slots, time entries, approved changes,
app spans, screenshots), each a range read on the (member, time) index spanning the earliest
member's midnight to the latest one's, then shared out per member. The rows are cut the way
`member_day.py` cuts them (a slot crossing local midnight counts its part on the day,
`tracking.local_days.day_shares`; changes come from `timesheets.selectors.counted`; discarded
idle time that began up to `idle.MAX_STRETCH` before the day reaches into it), so the timeline's
totals are the timesheet's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from worklens_server.companies.models import Member
from worklens_server.reports.member_day import day_bounds
from worklens_server.timesheets.selectors.counted import ChangePiece, count_changes
from worklens_server.timesheets.selectors.idle import MAX_STRETCH
from worklens_server.tracking.local_days import day_shares, zone
from worklens_server.tracking.models import ActivitySlot, AppSpan, Screenshot, TimeEntry
from worklens_wire.v1 import MAX_SLOT_SECONDS


@dataclass(frozen=True)
class DaySlot:
    """The part of one activity slot on the day."""

    entry_id: uuid.UUID
    started_at: dt.datetime
    seconds: int
    active_seconds: int
    keyboard_events: int
    mouse_events: int
    #: The agent's input flags as stored (JSON), None when it raised none.
    input_flags: list[Any] | None = None

    @property
    def ended_at(self) -> dt.datetime:
        return self.started_at + dt.timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class DayEntry:
    id: uuid.UUID
    started_at: dt.datetime
    stopped_at: dt.datetime | None
    project: str | None
    task: str | None
    notes: str
    idle: str


@dataclass(frozen=True)
class DaySpan:
    started_at: dt.datetime
    ended_at: dt.datetime
    app: str
    title: str | None


@dataclass(frozen=True)
class DayShot:
    id: uuid.UUID
    taken_at: dt.datetime
    monitor: int
    blurred: bool
    has_image: bool
    skipped_reason: str
    same_as_previous: bool | None = None


@dataclass
class DayRows:
    """One member's local day: [start, end) in UTC, and what was recorded in it."""

    member: Member
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    slots: list[DaySlot] = field(default_factory=list)
    entries: list[DayEntry] = field(default_factory=list)
    pieces: list[ChangePiece] = field(default_factory=list)
    spans: list[DaySpan] = field(default_factory=list)
    shots: list[DayShot] = field(default_factory=list)

    def holds(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def load_day_rows(
    *, members: Sequence[Member], day: dt.date, with_spans: bool = True
) -> dict[uuid.UUID, DayRows]:
    """Each member's rows on their local `day`, by member id (`with_spans=False` leaves the app
    spans out: a team's rows do not draw them)."""
    days = {
        member.pk: DayRows(member, day, *day_bounds(timezone_name=member.timezone, day=day))
        for member in members
    }
    if not days:
        return days
    ids = list(days)
    first = min(rows.start for rows in days.values())
    after = max(rows.end for rows in days.values())
    _add_slots(days, ids, first, after)
    _add_entries(days, ids, first, after)
    for piece in count_changes(
        zones={member.pk: member.timezone for member in members}, start=day, end=day
    ).pieces:
        days[piece.member_id].pieces.append(piece)
    if with_spans:
        for member_id, started_at, ended_at, app, title in (
            AppSpan.objects.filter(member_id__in=ids, started_at__gte=first, started_at__lt=after)
            .order_by("started_at")
            .values_list("member_id", "started_at", "ended_at", "app", "title")
        ):
            if days[member_id].holds(started_at):
                days[member_id].spans.append(DaySpan(started_at, ended_at, app, title))
    for member_id, shot_id, taken_at, monitor, blurred, image, skipped, same in (
        Screenshot.objects.filter(member_id__in=ids, taken_at__gte=first, taken_at__lt=after)
        .order_by("taken_at", "monitor")
        .values_list(
            "member_id",
            "id",
            "taken_at",
            "monitor",
            "blurred",
            "image",
            "skipped_reason",
            "same_as_previous",
        )
    ):
        if days[member_id].holds(taken_at):
            days[member_id].shots.append(
                DayShot(shot_id, taken_at, monitor, blurred, bool(image), skipped, same)
            )
    return days


def _add_slots(
    days: dict[uuid.UUID, DayRows], ids: list[uuid.UUID], first: dt.datetime, after: dt.datetime
) -> None:
    earliest = first - dt.timedelta(seconds=MAX_SLOT_SECONDS)
    for member_id, entry_id, started_at, length, active, keyboard, mouse, flags in (
        ActivitySlot.objects.filter(
            member_id__in=ids, started_at__gte=earliest, started_at__lt=after
        )
        .order_by("started_at")
        .values_list(
            "member_id",
            "time_entry_id",
            "started_at",
            "length_seconds",
            "active_seconds",
            "keyboard_events",
            "mouse_events",
            "input_flags",
        )
    ):
        rows = days[member_id]
        if started_at >= rows.start and started_at + dt.timedelta(seconds=length) <= rows.end:
            # Nearly every slot: wholly on the day, nothing to share out.
            rows.slots.append(DaySlot(entry_id, started_at, length, active, keyboard, mouse, flags))
            continue
        tz = zone(rows.member.timezone)
        for share_day, seconds, share_active, share_keyboard, share_mouse in day_shares(
            started_at, length, active, keyboard, mouse, tz
        ):
            if share_day == rows.day:
                rows.slots.append(
                    DaySlot(
                        entry_id,
                        max(started_at, rows.start),
                        seconds,
                        share_active,
                        share_keyboard,
                        share_mouse,
                        flags,
                    )
                )


def _add_entries(
    days: dict[uuid.UUID, DayRows], ids: list[uuid.UUID], first: dt.datetime, after: dt.datetime
) -> None:
    """The entries that started on the day, have slots on it, or are discarded idle time
    reaching into it (the same entries as the member day page's)."""
    with_slots = {slot.entry_id for rows in days.values() for slot in rows.slots}
    for entry in (
        TimeEntry.objects.filter(member_id__in=ids)
        .filter(
            Q(started_at__gte=first, started_at__lt=after)
            | Q(id__in=list(with_slots))
            | Q(
                idle=TimeEntry.Idle.DISCARDED,
                started_at__gte=first - MAX_STRETCH,
                started_at__lt=after,
                stopped_at__gt=first,
            )
        )
        .select_related("project", "task")
        .order_by("started_at")
    ):
        rows = days[entry.member_id]
        discarded_here = (
            entry.idle == TimeEntry.Idle.DISCARDED
            and entry.stopped_at is not None
            and entry.started_at < rows.end
            and entry.stopped_at > rows.start
        )
        if rows.holds(entry.started_at) or entry.id in with_slots or discarded_here:
            rows.entries.append(
                DayEntry(
                    entry.id,
                    entry.started_at,
                    entry.stopped_at,
                    entry.project.name if entry.project else None,
                    entry.task.name if entry.task else None,
                    entry.notes,
                    entry.idle,
                )
            )
