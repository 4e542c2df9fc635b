"""Reads for one member's day: timesheet, activity per slot, screenshots, apps, titles and URLs.

The same selector serves the manager's member activity page and the person's own "what is
collected about me" page, so both always show exactly the same data. Callers decide who may see
`member` (find_visible_member); nothing here widens that.

The day's totals count approved changes as the timesheets do (timesheets.selectors.counted): an
entry an approved trim took time from counts less and is marked edited (its slots stay as they
were recorded), and approved manual time is listed beside the entries, marked manual.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_visible_members
from worklens_server.formatting import clock, percent
from worklens_server.timesheets.models import TimeChange
from worklens_server.timesheets.selectors.counted import ChangePiece, count_changes
from worklens_server.tracking.local_days import day_shares
from worklens_server.tracking.models import ActivitySlot, AppSpan, Screenshot, TimeEntry
from worklens_wire.v1 import MAX_SLOT_SECONDS


@dataclass(frozen=True)
class SlotRow:
    started_at: dt.datetime
    length_seconds: int
    active_seconds: int
    keyboard_events: int
    mouse_events: int

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.length_seconds)


@dataclass(frozen=True)
class EntryRow:
    id: uuid.UUID
    started_at: dt.datetime
    stopped_at: dt.datetime | None
    project: str | None
    task: str | None
    notes: str
    slots: list[SlotRow]
    #: Seconds of this day's slots that approved trims took out, with their active seconds.
    trimmed_seconds: int = 0
    trimmed_active: int = 0
    #: "kept" or "discarded" for idle time the employee decided on (tracking.TimeEntry.Idle).
    idle: str = ""
    #: For discarded idle time: the seconds of its stretch on this day (counted nowhere).
    discarded_seconds: int = 0

    @property
    def discarded_display(self) -> str:
        return clock(self.discarded_seconds)

    @property
    def edited(self) -> bool:
        return self.trimmed_seconds > 0

    @property
    def tracked_seconds(self) -> int:
        return max(0, sum(slot.length_seconds for slot in self.slots) - self.trimmed_seconds)

    @property
    def active_seconds(self) -> int:
        return max(0, sum(slot.active_seconds for slot in self.slots) - self.trimmed_active)

    @property
    def trimmed_display(self) -> str:
        return clock(self.trimmed_seconds)

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.tracked_seconds)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)


@dataclass(frozen=True)
class ManualRow:
    """Approved manual time on the day: its part of one added stretch."""

    started_at: dt.datetime
    ended_at: dt.datetime
    seconds: int
    project: str | None
    task: str | None
    notes: str
    reason: str

    @property
    def tracked_display(self) -> str:
        return clock(self.seconds)


@dataclass(frozen=True)
class ScreenshotRow:
    id: uuid.UUID
    taken_at: dt.datetime
    width: int
    height: int
    blurred: bool
    has_image: bool
    skipped_reason: str


@dataclass(frozen=True)
class UsageRow:
    """Time spent in one app, one window title or one URL."""

    label: str
    app: str
    seconds: int

    @property
    def duration_display(self) -> str:
        return clock(self.seconds)


@dataclass(frozen=True)
class MemberDay:
    member: Member
    day: dt.date
    entries: list[EntryRow]
    screenshots: list[ScreenshotRow]
    apps: list[UsageRow]
    titles: list[UsageRow]
    urls: list[UsageRow]
    manual: list[ManualRow] = field(default_factory=list)

    @property
    def idle_kept_seconds(self) -> int:
        return sum(entry.tracked_seconds for entry in self.entries if entry.idle == "kept")

    @property
    def idle_kept_display(self) -> str:
        return clock(self.idle_kept_seconds)

    @property
    def idle_discarded_seconds(self) -> int:
        return sum(entry.discarded_seconds for entry in self.entries)

    @property
    def idle_discarded_display(self) -> str:
        return clock(self.idle_discarded_seconds)

    @property
    def manual_seconds(self) -> int:
        return sum(row.seconds for row in self.manual)

    @property
    def tracked_seconds(self) -> int:
        """The day's counted time: tracked (less approved trims) and approved manual time."""
        return sum(entry.tracked_seconds for entry in self.entries) + self.manual_seconds

    @property
    def active_seconds(self) -> int:
        return sum(entry.active_seconds for entry in self.entries)

    @property
    def activity_percent(self) -> int | None:
        """A share of tracked time only: manual time has no activity to measure."""
        return percent(self.active_seconds, self.tracked_seconds - self.manual_seconds)

    @property
    def manual_display(self) -> str:
        return clock(self.manual_seconds)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)

    @property
    def previous_day(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next_day(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


def find_visible_member(*, viewer: Member, member_id: uuid.UUID) -> Member | None:
    """`member_id` when `viewer` may see their data (same rule as every report), else None."""
    return (
        get_visible_members(viewer=viewer)
        .select_related("user", "company")
        .filter(pk=member_id)
        .first()
    )


def day_bounds(*, timezone_name: str, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day of `timezone_name` as a half-open UTC interval [start, end)."""
    zone = zoneinfo.ZoneInfo(timezone_name)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _usage(spans: QuerySet[AppSpan], *fields: str) -> QuerySet[AppSpan, dict[str, object]]:
    duration = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    totals: QuerySet[AppSpan, dict[str, object]] = (
        spans.values(*fields).annotate(total=Sum(duration)).order_by("-total", *fields)
    )
    return totals


def _seconds(total: object) -> int:
    return int(total.total_seconds()) if isinstance(total, dt.timedelta) else 0


def _slots_of_day(
    *, member: Member, day: dt.date, start: dt.datetime, end: dt.datetime
) -> dict[uuid.UUID, list[SlotRow]]:
    """The member's slots by time entry, each cut to the part on `day` (a slot crossing local
    midnight shows on both days with the seconds of each, as the day's totals count it)."""
    tz = zoneinfo.ZoneInfo(member.timezone)
    slots_by_entry: dict[uuid.UUID, list[SlotRow]] = {}
    earliest = start - dt.timedelta(seconds=MAX_SLOT_SECONDS)
    for entry_id, started_at, length, active, keyboard, mouse in (
        ActivitySlot.objects.filter(member=member, started_at__gte=earliest, started_at__lt=end)
        .order_by("started_at")
        .values_list(
            "time_entry_id",
            "started_at",
            "length_seconds",
            "active_seconds",
            "keyboard_events",
            "mouse_events",
        )
    ):
        for share_day, seconds, share_active, share_keyboard, share_mouse in day_shares(
            started_at, length, active, keyboard, mouse, tz
        ):
            if share_day == day:
                slots_by_entry.setdefault(entry_id, []).append(
                    SlotRow(
                        max(started_at, start), seconds, share_active, share_keyboard, share_mouse
                    )
                )
    return slots_by_entry


def _manual_rows(pieces: list[ChangePiece]) -> list[ManualRow]:
    """The day's approved manual time, one row per added stretch (a stretch that an agent's
    tracked time later covered in part counts, and shows, only the rest)."""
    manual = [piece for piece in pieces if piece.mark == "manual"]
    if not manual:
        return []
    details = {
        change.pk: change
        for change in TimeChange.objects.filter(pk__in={piece.change_id for piece in manual})
    }
    rows: dict[uuid.UUID, ManualRow] = {}
    for piece in sorted(manual, key=lambda piece: piece.started_at):
        change = details[piece.change_id]
        row = rows.get(piece.change_id)
        rows[piece.change_id] = ManualRow(
            started_at=row.started_at if row else piece.started_at,
            ended_at=piece.ended_at,
            seconds=(row.seconds if row else 0) + piece.seconds,
            project=piece.project,
            task=piece.task,
            notes=change.notes,
            reason=change.reason,
        )
    return sorted(rows.values(), key=lambda row: row.started_at)


def _discarded_seconds(entry: TimeEntry, start: dt.datetime, end: dt.datetime) -> int:
    if entry.idle != TimeEntry.Idle.DISCARDED or entry.stopped_at is None:
        return 0
    return max(0, int((min(entry.stopped_at, end) - max(entry.started_at, start)).total_seconds()))


def get_member_day(*, member: Member, day: dt.date) -> MemberDay:
    start, end = day_bounds(timezone_name=member.timezone, day=day)
    slots_by_entry = _slots_of_day(member=member, day=day, start=start, end=end)
    pieces = count_changes(zones={member.pk: member.timezone}, start=day, end=day).pieces
    trimmed: dict[uuid.UUID | None, tuple[int, int]] = {}
    for piece in pieces:
        if piece.mark == "edited":
            seconds, active = trimmed.get(piece.entry_id, (0, 0))
            trimmed[piece.entry_id] = (seconds + piece.seconds, active + piece.active_seconds)

    entries = [
        EntryRow(
            id=entry.id,
            started_at=entry.started_at,
            stopped_at=entry.stopped_at,
            project=entry.project.name if entry.project else None,
            task=entry.task.name if entry.task else None,
            notes=entry.notes,
            slots=slots_by_entry.get(entry.id, []),
            trimmed_seconds=trimmed.get(entry.id, (0, 0))[0],
            trimmed_active=trimmed.get(entry.id, (0, 0))[1],
            idle=entry.idle,
            discarded_seconds=_discarded_seconds(entry, start, end),
        )
        for entry in TimeEntry.objects.filter(member=member)
        .filter(
            Q(started_at__gte=start, started_at__lt=end)
            | Q(id__in=list(slots_by_entry))
            # A discarded stretch has no slots: one running into the day from the day before.
            | Q(idle=TimeEntry.Idle.DISCARDED, started_at__lt=start, stopped_at__gt=start)
        )
        .select_related("project", "task")
        .order_by("started_at")
    ]
    screenshots = [
        ScreenshotRow(
            id=shot.id,
            taken_at=shot.taken_at,
            width=shot.width,
            height=shot.height,
            blurred=shot.blurred,
            has_image=bool(shot.image),
            skipped_reason=shot.skipped_reason,
        )
        for shot in Screenshot.objects.filter(
            member=member, taken_at__gte=start, taken_at__lt=end
        ).order_by("taken_at", "monitor")
    ]
    spans = AppSpan.objects.filter(member=member, started_at__gte=start, started_at__lt=end)
    apps = [
        UsageRow(label=str(row["app"]), app=str(row["app"]), seconds=_seconds(row["total"]))
        for row in _usage(spans, "app")
    ]
    titles = [
        UsageRow(label=str(row["title"]), app=str(row["app"]), seconds=_seconds(row["total"]))
        for row in _usage(spans.exclude(title__isnull=True).exclude(title=""), "app", "title")
    ]
    urls = [
        UsageRow(label=str(row["url"]), app="", seconds=_seconds(row["total"]))
        for row in _usage(spans.exclude(url__isnull=True).exclude(url=""), "url")
    ]
    return MemberDay(
        member=member,
        day=day,
        entries=entries,
        screenshots=screenshots,
        apps=apps,
        titles=titles,
        urls=urls,
        manual=_manual_rows(pieces),
    )
