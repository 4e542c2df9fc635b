"""A member's day as a picture: time entries, activity per slot, idle time kept and discarded,
approved manual time and trims, the app in front and the screenshots, placed on a time axis.

One member's day runs from their local midnight to the next (Member.timezone): 24 hours, or 23
and 25 on the days the clock changes, with the hours labelled as their clock showed them. A
team's rows share one axis of hours since each member's own midnight: a row is the member's own
day, so 09:00 is nine in the morning for everyone, whatever their zone (each row names its zone
when it is not the viewer's). A row whose day was 25 hours long runs past the 24-hour mark.

Totals are counted as `member_day.py` and the timesheets count them (tracked time of the day's
slot parts, less approved trims, plus approved manual time; discarded idle time counted
nowhere), from the rows of `day_rows.py`. A test holds them equal to the timesheet's.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from worklens_server.companies.models import Member
from worklens_server.formatting import clock, percent
from worklens_server.reports.day_rows import DayRows, DaySlot, load_day_rows
from worklens_server.reports.flags import WHAT_A_FLAG_IS, FlagNote, day_flag_notes
from worklens_server.tracking.local_days import zone

#: Activity shades: a slot's active share in fifths (0: under 20 %, 4: 80 % and more).
LEVELS = 5
#: Colours for apps, picked by a stable hash of the name so an app keeps its colour everywhere.
APP_COLOURS = 8
DAY = 24 * 3600
#: The activity lane's pieces: slots are drawn (and opened) by the ten minutes they start in.
BIN_SECONDS = 600


@dataclass(frozen=True)
class Axis:
    """[start, start + seconds) in UTC drawn as 0 to 100 % of a width of `width` seconds."""

    start: dt.datetime
    seconds: int
    width: int

    def place(self, begin: dt.datetime, end: dt.datetime) -> tuple[float, float]:
        """Left and width in percent of [begin, end), cut to the axis."""
        lo = max(0.0, (begin - self.start).total_seconds())
        hi = min(float(self.seconds), (end - self.start).total_seconds())
        return round(lo * 100 / self.width, 3), round(max(0.0, hi - lo) * 100 / self.width, 3)


@dataclass(frozen=True)
class Bar:
    """One drawn stretch: `kind` names its lane and style, `label` says what it is."""

    kind: str
    left: float
    width: float
    started_at: dt.datetime
    ended_at: dt.datetime
    label: str
    seconds: int = 0
    #: Slots: the activity shade (0..LEVELS-1) and percent; apps: a colour number.
    level: int = 0
    activity_percent: int | None = None
    #: "09:00-09:10 Website · Design" on the member's clock (made here, once: a team's page
    #: has thousands of bars, and a template filter per bar was most of its time).
    title: str = ""

    @property
    def style(self) -> str:
        return f"left:{self.left}%;width:{self.width}%"

    @property
    def span_seconds(self) -> int:
        """From its start to its end (a piece of the activity lane may have gaps)."""
        return int((self.ended_at - self.started_at).total_seconds())


@dataclass(frozen=True)
class Mark:
    """A screenshot on the axis."""

    id: uuid.UUID
    left: float
    taken_at: dt.datetime
    blurred: bool
    has_image: bool
    skipped_reason: str
    same_as_previous: bool | None = None


@dataclass(frozen=True)
class Tick:
    left: float
    label: str


@dataclass
class TimelineRow:
    member: Member
    day: dt.date
    zone_name: str
    #: The day's length in hours (23 or 25 on the days the clock changes).
    hours: int
    entries: list[Bar] = field(default_factory=list)
    slots: list[Bar] = field(default_factory=list)
    changes: list[Bar] = field(default_factory=list)
    apps: list[Bar] = field(default_factory=list)
    shots: list[Mark] = field(default_factory=list)
    #: The agent's flags of the day, by time (reports/flags.py).
    flags: list[FlagNote] = field(default_factory=list)
    tracked_seconds: int = 0
    active_seconds: int = 0
    manual_seconds: int = 0
    trimmed_seconds: int = 0
    idle_kept_seconds: int = 0
    idle_discarded_seconds: int = 0

    flags_explained = WHAT_A_FLAG_IS

    @property
    def activity_percent(self) -> int | None:
        """A share of tracked time only, as on the member day page."""
        return percent(self.active_seconds, self.tracked_seconds - self.manual_seconds)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)

    @property
    def manual_display(self) -> str:
        return clock(self.manual_seconds)

    @property
    def trimmed_display(self) -> str:
        return clock(self.trimmed_seconds)

    @property
    def idle_kept_display(self) -> str:
        return clock(self.idle_kept_seconds)

    @property
    def idle_discarded_display(self) -> str:
        return clock(self.idle_discarded_seconds)

    @property
    def clock_changed(self) -> bool:
        return self.hours != 24


@dataclass(frozen=True)
class Timeline:
    day: dt.date
    ticks: list[Tick]
    rows: list[TimelineRow]
    #: The zone the axis is labelled in, for a member's page; None on a team's (local hours).
    zone_name: str | None = None

    @property
    def tracked_seconds(self) -> int:
        return sum(row.tracked_seconds for row in self.rows)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)

    @property
    def previous_day(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next_day(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


def level(active: int, seconds: int) -> int:
    return min(LEVELS - 1, active * LEVELS // seconds) if seconds > 0 else 0


def app_colour(app: str) -> int:
    return zlib.crc32(app.encode()) % APP_COLOURS


def _what(project: str | None, task: str | None) -> str:
    return " · ".join(part for part in (project or "No project", task) if part)


def _ticks_local(rows: DayRows, axis: Axis) -> list[Tick]:
    """A tick every hour of the member's day, labelled with their clock (02 twice, or no 02,
    on the days it changes)."""
    tz = zone(rows.member.timezone)
    ticks = []
    for hour in range(0, axis.seconds // 3600 + 1):
        moment = rows.start + dt.timedelta(hours=hour)
        left, _ = axis.place(moment, moment)
        label = moment.astimezone(tz).strftime("%H:%M") if hour % 2 == 0 else ""
        ticks.append(Tick(left, label))
    return ticks


def _ticks_hours(width: int) -> list[Tick]:
    return [
        # The closing mark is left unlabelled: its label would run into the totals' column.
        Tick(
            round(h * 360000 / width, 3), f"{h:02d}:00" if h % 3 == 0 and h < width // 3600 else ""
        )
        for h in range(0, width // 3600 + 1)
    ]


#: (start, end, seconds, active seconds) of one drawn piece of the activity lane.
Piece = tuple[dt.datetime, dt.datetime, int, int]


def _bins(slots: Sequence[DaySlot], origin: dt.datetime) -> list[Piece]:
    """The slots by BIN_SECONDS from the day's start (a slot goes where it starts): one piece
    per bin, wide enough to select even when the policy's slots are a minute long, and never
    more than a slot's details can answer."""
    bins: dict[int, Piece] = {}
    for slot in slots:
        key = int((slot.started_at - origin).total_seconds()) // BIN_SECONDS
        found = bins.get(key)
        if found is None:
            bins[key] = (slot.started_at, slot.ended_at, slot.seconds, slot.active_seconds)
        else:
            start, end, seconds, active = found
            bins[key] = (
                min(start, slot.started_at),
                max(end, slot.ended_at),
                seconds + slot.seconds,
                active + slot.active_seconds,
            )
    return [bins[key] for key in sorted(bins)]


def _runs(pieces: Sequence[Piece]) -> list[Piece]:
    """Adjacent pieces of one shade merged. A team's rows draw these (a few dozen per member,
    not a hundred)."""
    runs: list[Piece] = []
    for piece in pieces:
        if runs:
            start, end, seconds, active = runs[-1]
            if end == piece[0] and level(active, seconds) == level(piece[3], piece[2]):
                runs[-1] = (start, piece[1], seconds + piece[2], active + piece[3])
                continue
        runs.append(piece)
    return runs


def _stretch(begin: dt.datetime, end: dt.datetime, tz: dt.tzinfo, label: str) -> str:
    lo, hi = begin.astimezone(tz), end.astimezone(tz)
    return f"{lo.hour:02d}:{lo.minute:02d}\u2013{hi.hour:02d}:{hi.minute:02d} {label}"


def build_row(rows: DayRows, axis: Axis, *, merge_slots: bool) -> TimelineRow:
    hours = round((rows.end - rows.start).total_seconds() / 3600)
    tz = zone(rows.member.timezone)
    row = TimelineRow(rows.member, rows.day, rows.member.timezone, hours)
    entries = {entry.id: entry for entry in rows.entries}
    trimmed: dict[uuid.UUID | None, tuple[int, int]] = {}
    for piece in rows.pieces:
        kind = "manual" if piece.mark == "manual" else "trimmed"
        label = f"{kind}: {_what(piece.project, piece.task)}"
        row.changes.append(
            Bar(
                kind,
                *axis.place(piece.started_at, piece.ended_at),
                piece.started_at,
                piece.ended_at,
                label,
                piece.seconds,
                title=_stretch(piece.started_at, piece.ended_at, tz, label),
            )
        )
        if piece.mark == "manual":
            row.manual_seconds += piece.seconds
        else:
            seconds, active = trimmed.get(piece.entry_id, (0, 0))
            trimmed[piece.entry_id] = (seconds + piece.seconds, active + piece.active_seconds)
    per_entry: dict[uuid.UUID, tuple[int, int]] = {}
    for slot in rows.slots:
        seconds, active = per_entry.get(slot.entry_id, (0, 0))
        per_entry[slot.entry_id] = (seconds + slot.seconds, active + slot.active_seconds)
    for entry_id, (seconds, active) in per_entry.items():
        cut, cut_active = trimmed.get(entry_id, (0, 0))
        counted = max(0, seconds - cut)
        row.tracked_seconds += counted
        row.active_seconds += max(0, active - cut_active)
        row.trimmed_seconds += cut
        entry = entries.get(entry_id)
        if entry is not None and entry.idle == "kept":
            row.idle_kept_seconds += counted
    row.tracked_seconds += row.manual_seconds
    for entry in rows.entries:
        end = entry.stopped_at or max(
            (s.ended_at for s in rows.slots if s.entry_id == entry.id), default=entry.started_at
        )
        kind = f"idle-{entry.idle}" if entry.idle else "entry"
        label = (
            "idle time discarded" if entry.idle == "discarded" else _what(entry.project, entry.task)
        )
        if entry.idle == "kept":
            label += " (idle time kept)"
        seconds = int((min(end, rows.end) - max(entry.started_at, rows.start)).total_seconds())
        if entry.idle == "discarded":
            row.idle_discarded_seconds += max(0, seconds)
        row.entries.append(
            Bar(
                kind,
                *axis.place(entry.started_at, end),
                entry.started_at,
                end,
                label,
                seconds,
                title=_stretch(entry.started_at, end, tz, label),
            )
        )
    pieces = _bins(rows.slots, rows.start)
    for start, end, seconds, active in _runs(pieces) if merge_slots else pieces:
        share = percent(active, seconds)
        row.slots.append(
            Bar(
                "slot",
                *axis.place(start, end),
                start,
                end,
                "activity",
                seconds,
                level(active, seconds),
                share,
                title=_stretch(start, end, tz, f"{share or 0} % active"),
            )
        )
    for span in rows.spans:
        row.apps.append(
            Bar(
                "app",
                *axis.place(span.started_at, span.ended_at),
                span.started_at,
                span.ended_at,
                span.app,
                int((span.ended_at - span.started_at).total_seconds()),
                app_colour(span.app),
                title=_stretch(span.started_at, span.ended_at, tz, span.app),
            )
        )
    for shot in rows.shots:
        left, _ = axis.place(shot.taken_at, shot.taken_at)
        row.shots.append(
            Mark(
                shot.id,
                left,
                shot.taken_at,
                shot.blurred,
                shot.has_image,
                shot.skipped_reason,
                shot.same_as_previous,
            )
        )
    row.flags = day_flag_notes(rows)
    return row


def get_member_timeline(*, member: Member, day: dt.date) -> Timeline:
    """`member`'s local day with everything on it (the caller decided they may see it)."""
    rows = load_day_rows(members=[member], day=day)[member.pk]
    seconds = int((rows.end - rows.start).total_seconds())
    axis = Axis(rows.start, seconds, seconds)
    return Timeline(
        day=day,
        ticks=_ticks_local(rows, axis),
        rows=[build_row(rows, axis, merge_slots=False)],
        zone_name=member.timezone,
    )


def get_team_timeline(*, members: Sequence[Member], day: dt.date) -> Timeline:
    """One row per member, each their own local `day`, on hours since their midnight (the
    caller decided they may see `members`). No app spans: a team's picture is its time and
    activity; a member's row links to their day."""
    loaded = load_day_rows(members=members, day=day, with_spans=False)
    width = max([DAY] + [int((rows.end - rows.start).total_seconds()) for rows in loaded.values()])
    built = []
    for member in members:
        rows = loaded[member.pk]
        axis = Axis(rows.start, int((rows.end - rows.start).total_seconds()), width)
        built.append(build_row(rows, axis, merge_slots=True))
    return Timeline(day=day, ticks=_ticks_hours(width), rows=built)
