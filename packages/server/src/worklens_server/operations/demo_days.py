"""One person's working day as their agent would have recorded it: time entries, activity slots,
app spans and screenshot records (wire models), plus the time they forgot to track and the part
they want trimmed. Pure: no database; `demo_history.py` stores what this plans.

The day follows the agent's rules (packages/agent, recording/): slots are aligned to wall-clock
multiples of the policy's `slot_seconds` and hold the seconds of one entry; a span never crosses
a slot boundary or an entry; screenshots are taken at `screenshots_per_interval` random moments
of each wall-clock window of `screenshot_interval_seconds`, only while an entry is open. Idle
time (no input) splits its entry as the agent does: the entry stops at the last input, and the
person's decision shapes what is sent: kept, the idle stretch is an entry of its own (same
project, task and notes, marked `idle="kept"`) whose slots hold no activity; discarded, only its
start and end are sent (an entry marked `idle="discarded"`, with nothing in it), as an agent
does to a server that accepts idle marks, and the day shows the gap as discarded idle time.

Everything is drawn from a random generator seeded with the person and the date, ids included
(UUIDv7 of the item's own time), so a day planned twice is the same day, figure for figure.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from worklens_server.operations.demo_cast import WORKS, Person, Window, Work
from worklens_server.tracking.local_days import zone
from worklens_wire.v1 import ActivitySlot, AppSpan, IdleMark, Policy, ScreenshotRecord, TimeEntry

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: The size screenshots are drawn at (the policy's maximum width caps it): big enough to read.
SCREEN_WIDTH, SCREEN_HEIGHT = 1280, 800
#: What was in front when: (from, until, window), in time order.
Shown = list[tuple[dt.datetime, dt.datetime, Window]]


def client_id(at: dt.datetime, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 as the agent makes it when it records an item at `at`, random bits from `rng`."""
    millis = int((at - _EPOCH).total_seconds() * 1000)
    return uuid.UUID(
        int=(millis << 80) | (7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62)
        | rng.getrandbits(62)
    )  # fmt: skip


@dataclass(frozen=True)
class IdleStretch:
    """No input from `started_at` (the last input) to `ended_at` (the return), and whether the
    person kept it as tracked time or discarded it."""

    started_at: dt.datetime
    ended_at: dt.datetime
    kept: bool


@dataclass(frozen=True)
class Stretch:
    """A stretch of time on one kind of work: the timer ran through it (`tracked`), or the person
    forgot to start it."""

    work: Work
    started_at: dt.datetime
    ended_at: dt.datetime


@dataclass(frozen=True)
class Shot:
    """A screenshot's record and what the screen showed: the window in front, the local clock."""

    record: ScreenshotRecord
    window: Window
    local_time: str


@dataclass
class Day:
    day: dt.date
    entries: list[TimeEntry] = field(default_factory=list)
    #: Idle time the person discarded: start and end only, no slots, spans or screenshots.
    discarded: list[TimeEntry] = field(default_factory=list)
    slots: list[ActivitySlot] = field(default_factory=list)
    spans: list[AppSpan] = field(default_factory=list)
    shots: list[Shot] = field(default_factory=list)
    idle: list[IdleStretch] = field(default_factory=list)
    #: Time worked with the timer off, to be added by hand (reason, notes on `work`).
    forgotten: Stretch | None = None
    #: Part of a tracked entry that should not count: (entry id, start, end).
    trim: tuple[uuid.UUID, dt.datetime, dt.datetime] | None = None
    #: When the agent sent the day (after its last item).
    sent_at: dt.datetime = _EPOCH


def _at(day: dt.date, hours: float, zone_name: str) -> dt.datetime:
    """`hours` after local midnight of `day` (wall clock), in UTC, in whole seconds."""
    local = dt.datetime.combine(day, dt.time(0), tzinfo=zone(zone_name))
    return (local + dt.timedelta(seconds=round(hours * 3600))).astimezone(dt.UTC)


def _pick_work(person: Person, rng: random.Random, other_than: str | None = None) -> str:
    keys = [k for k in person.works if k != other_than] or list(person.works)
    weights = [len(keys) - i for i in range(len(keys))]  # the first kind of work most often
    return rng.choices(keys, weights)[0]


def _stretches(person: Person, day: dt.date, zone_name: str, rng: random.Random) -> list[Stretch]:
    """The day's timeline: start 8-10, lunch 30-55 minutes around 12-13, a meeting on most
    days (the weekly one on Mondays), end between 16 and 18; work switches every hour or two."""
    start = person.first_hour + rng.uniform(-0.4, 0.4)
    lunch = rng.uniform(12.0, 13.0)
    lunch_end = lunch + rng.uniform(0.5, 0.92)
    end = min(18.3, max(16.0, start + (lunch_end - lunch) + rng.uniform(7.3, 8.6)))
    meeting: tuple[float, float] | None = None
    if day.weekday() == 0 or rng.random() < 0.5:
        begins = 10.0 if day.weekday() == 0 else rng.choice((10.5, 11.0, 14.0, 15.0, 15.5))
        meeting = (begins, begins + rng.choice((0.5, 0.75, 1.0)))
    pieces: list[tuple[str, float, float]] = []
    for block_start, block_end in ((start, lunch), (lunch_end, end)):
        at, work = block_start, _pick_work(person, rng)
        while at < block_end - 0.05:
            if meeting and meeting[0] <= at < meeting[1]:
                pieces.append(("meeting", at, min(meeting[1], block_end)))
                at = meeting[1]
                continue
            until = min(block_end, at + rng.uniform(0.7, 2.4))
            if meeting and at < meeting[0] < until:
                until = meeting[0]
            pieces.append((work, at, until))
            at, work = until, _pick_work(person, rng, other_than=work)
    return [
        Stretch(WORKS[key], _at(day, a, zone_name), _at(day, b, zone_name))
        for key, a, b in pieces
        if b - a > 0.05
    ]


#: The company's (project name, task name): (project id, task id).
TaskIds = dict[tuple[str, str], tuple[uuid.UUID, uuid.UUID]]


def _entry(
    stretch: Stretch, tasks: TaskIds, rng: random.Random, idle: IdleMark | None = None
) -> TimeEntry:
    if idle == "discarded":
        return TimeEntry(
            id=client_id(stretch.started_at, rng),
            started_at=stretch.started_at,
            stopped_at=stretch.ended_at,
            idle="discarded",
        )
    project_id, task_id = tasks[stretch.work.project, stretch.work.task]
    return TimeEntry(
        id=client_id(stretch.started_at, rng),
        started_at=stretch.started_at,
        stopped_at=stretch.ended_at,
        project_id=project_id,
        task_id=task_id,
        notes=stretch.work.notes,
        idle=idle,
    )


def _entries_around_idle(
    stretch: Stretch, tasks: TaskIds, rng: random.Random
) -> tuple[list[tuple[TimeEntry, Work, bool]], IdleStretch | None, TimeEntry | None]:
    """The stretch's entries (entry, work, whether it is idle time) as the agent sends them,
    the idle stretch inside it if the person left their desk this time, and, if they discarded
    it, the start and end the agent still sends."""
    length = (stretch.ended_at - stretch.started_at).total_seconds()
    if stretch.work.task == "Meetings" or length < 50 * 60 or rng.random() > 0.3:
        return [(_entry(stretch, tasks, rng), stretch.work, False)], None, None
    idle_start = stretch.started_at + dt.timedelta(seconds=rng.randint(900, int(length) - 1800))
    idle_end = idle_start + dt.timedelta(seconds=rng.randint(8 * 60, 25 * 60))
    idle = IdleStretch(idle_start, idle_end, kept=rng.random() < 0.5)
    before = Stretch(stretch.work, stretch.started_at, idle_start)
    after = Stretch(stretch.work, idle_end, stretch.ended_at)
    away = Stretch(stretch.work, idle_start, idle_end)
    parts = [(_entry(before, tasks, rng), stretch.work, False)]
    discarded = None
    if idle.kept:
        parts.append((_entry(away, tasks, rng, idle="kept"), stretch.work, True))
    else:
        discarded = _entry(away, tasks, rng, idle="discarded")
    parts.append((_entry(after, tasks, rng), stretch.work, False))
    return parts, idle, discarded


def _boundary(moment: dt.datetime, seconds: int) -> dt.datetime:
    """The latest wall-clock multiple of `seconds` at or before `moment` (the agent's rule)."""
    elapsed = int((moment - _EPOCH).total_seconds())
    return moment - dt.timedelta(seconds=elapsed % seconds)


def _slot_starts(start: dt.datetime, end: dt.datetime, seconds: int) -> list[dt.datetime]:
    """Where the slots of [start, end) begin: `start`, then each wall-clock multiple after it."""
    boundary = _boundary(start, seconds)
    starts = [start]
    boundary += dt.timedelta(seconds=seconds)
    while boundary < end:
        starts.append(boundary)
        boundary += dt.timedelta(seconds=seconds)
    return starts


def _slots(
    entry: TimeEntry, work: Work, idle: bool, policy: Policy, rng: random.Random
) -> list[ActivitySlot]:
    assert entry.stopped_at is not None
    level = rng.uniform(*work.active)
    starts = _slot_starts(entry.started_at, entry.stopped_at, policy.slot_seconds)
    slots = []
    for begins, ends in zip(starts, [*starts[1:], entry.stopped_at], strict=True):
        length = int((ends - begins).total_seconds())
        counted = policy.capture_activity and not idle
        share = min(1.0, max(0.0, rng.gauss(level, 0.15))) if counted else 0.0
        active = round(length * share)
        slots.append(
            ActivitySlot(
                id=client_id(ends, rng),
                time_entry_id=entry.id,
                started_at=begins,
                length_seconds=length,
                active_seconds=active,
                keyboard_events=round(active * work.keys_per_second * rng.uniform(0.6, 1.4)),
                mouse_events=round(active * work.clicks_per_second * rng.uniform(0.6, 1.4)),
            )
        )
    return slots


def _windows(
    entry: TimeEntry, work: Work, idle: bool, last: Window | None, rng: random.Random
) -> Shown:
    """What was in front during the entry: a window for 1 to 12 minutes (chat for 1 to 3), then
    another; while idle, whatever was in front when the person left."""
    assert entry.stopped_at is not None
    if idle and last is not None:
        return [(entry.started_at, entry.stopped_at, last)]
    shown = []
    at = entry.started_at
    while at < entry.stopped_at:
        window = rng.choices(work.windows, [3] + [1] * (len(work.windows) - 1))[0]
        minutes = rng.uniform(1, 3) if window.app == "Slack" else rng.uniform(1, 12)
        until = min(entry.stopped_at, at + dt.timedelta(seconds=round(minutes * 60)))
        shown.append((at, until, window))
        at = until
    return shown


def _spans(
    entry: TimeEntry,
    windows: Shown,
    slot_starts: list[dt.datetime],
    policy: Policy,
    rng: random.Random,
) -> list[AppSpan]:
    """The windows cut at every slot boundary, as the agent's span builder cuts them, with
    what the policy lets the agent read of them."""
    if not policy.capture_apps:
        return []
    spans = []
    for begins, ends, window in windows:
        cuts = [b for b in slot_starts if begins < b < ends]
        for a, b in zip([begins, *cuts], [*cuts, ends], strict=True):
            spans.append(
                AppSpan(
                    id=client_id(b, rng),
                    time_entry_id=entry.id,
                    started_at=a,
                    ended_at=b,
                    app=window.app,
                    title=window.title if policy.capture_titles else None,
                    url=window.url if policy.capture_urls else None,
                )
            )
    return spans


def _shots(
    day: Day, shown: Shown, policy: Policy, zone_name: str, rng: random.Random
) -> list[Shot]:
    """Screenshots at random moments of each wall-clock interval, while an entry is open, of
    the window then in front (`shown`, in time order)."""
    if policy.screenshots_per_interval == 0 or not day.entries:
        return []
    interval = policy.screenshot_interval_seconds
    width = min(SCREEN_WIDTH, policy.screenshot_max_width)
    height = width * SCREEN_HEIGHT // SCREEN_WIDTH
    slot_starts = [s.started_at for s in day.slots]
    shown_starts = [start for start, _, _ in shown]
    first, last = day.entries[0].started_at, day.entries[-1].stopped_at
    assert last is not None
    shots = []
    window_start = _boundary(first, interval)
    while window_start < last:
        for _ in range(policy.screenshots_per_interval):
            taken = window_start + dt.timedelta(seconds=rng.randrange(interval))
            entry = next(
                (e for e in day.entries if e.started_at <= taken < (e.stopped_at or taken)), None
            )
            if entry is None:
                continue  # the timer was off: nothing is captured
            slot = day.slots[bisect.bisect_right(slot_starts, taken) - 1]
            window = shown[bisect.bisect_right(shown_starts, taken) - 1][2]
            record = ScreenshotRecord(
                id=client_id(taken, rng),
                time_entry_id=entry.id,
                slot_id=slot.id,
                taken_at=taken,
                width=width,
                height=height,
                blurred=policy.screenshot_blur,
            )
            local = taken.astimezone(zone(zone_name)).strftime("%H:%M")
            shots.append(Shot(record, window, local))
        window_start += dt.timedelta(seconds=interval)
    return shots


def plan_day(
    *, person: Person, day: dt.date, zone_name: str, policy: Policy, tasks: TaskIds
) -> Day:
    """`person`'s working day `day` (local, in `zone_name`) under `policy`, on `tasks`."""
    rng = random.Random(f"{person.email}/{day.isoformat()}")
    stretches = _stretches(person, day, zone_name, rng)
    plan = Day(day=day)
    shown: Shown = []
    last_window: Window | None = None
    for stretch in stretches:
        parts, idle, discarded = _entries_around_idle(stretch, tasks, rng)
        if idle is not None:
            plan.idle.append(idle)
        if discarded is not None:
            plan.discarded.append(discarded)
        for entry, work, is_idle in parts:
            assert entry.stopped_at is not None
            slots = _slots(entry, work, is_idle, policy, rng)
            windows = _windows(entry, work, is_idle, last_window, rng)
            last_window = windows[-1][2]
            shown += windows
            plan.entries.append(entry)
            plan.slots += slots
            plan.spans += _spans(entry, windows, [s.started_at for s in slots], policy, rng)
    plan.shots = _shots(plan, shown, policy, zone_name, rng)
    if rng.random() < 0.25:  # a call before the timer was started
        kind = "calls" if "calls" in person.works else "meeting"
        begins = stretches[0].started_at - dt.timedelta(minutes=rng.choice((20, 30, 45)))
        plan.forgotten = Stretch(WORKS[kind], begins, stretches[0].started_at)
    long_entries = [
        e
        for e in plan.entries
        if e.stopped_at is not None and (e.stopped_at - e.started_at).total_seconds() > 3600
    ]
    if long_entries and rng.random() < 0.2:  # a private errand with the timer still running
        entry = rng.choice(long_entries)
        begins = entry.started_at + dt.timedelta(minutes=rng.randint(10, 30))
        plan.trim = (entry.id, begins, begins + dt.timedelta(minutes=rng.choice((10, 15, 20))))
    plan.sent_at = (plan.entries[-1].stopped_at or _EPOCH) + dt.timedelta(seconds=30)
    return plan
