"""Fair activity: time with an app or web domain the company marked "active without input" in
front (a video call, reading, a design review) counts as active even without keyboard or mouse
input, up to the slot.

The rule, per slot, is conservative: fair active = min(slot length, max(input active, marked
seconds)), where marked seconds is the union of the marked spans' time inside the slot. The
larger of the two, never their sum: input and a call in the same minutes would otherwise count
twice, and we cannot know which seconds of a slot the input fell in. So fair activity is never
below the input figure and never above the slot, and an unmarked app changes nothing.

Computed when a page is read, from the member's slots and only the spans that can be marked,
with the labels as they are now: a label changed today changes every day already recorded, and
nothing is stored. Spans never cross a slot boundary (the agent closes them there), so the spans
of a range start at most one slot length before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from worklens_server.companies.models import Member
from worklens_server.formatting import clock, percent
from worklens_server.insights.domains import domain_of
from worklens_server.insights.selectors.labels import LabelBook, load_labels, thing_of
from worklens_server.timesheets.periods import local_bounds
from worklens_server.tracking.local_days import day_shares, zone
from worklens_server.tracking.models import ActivitySlot, AppSpan
from worklens_wire.v1 import MAX_SLOT_SECONDS


@dataclass
class DayActivity:
    """One local day's activity: from input alone, and with the marked apps' time added."""

    day: dt.date
    tracked: int = 0
    input_active: int = 0
    fair_active: int = 0

    @property
    def from_apps(self) -> int:
        return self.fair_active - self.input_active

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked)

    @property
    def input_percent(self) -> int | None:
        return percent(self.input_active, self.tracked)

    @property
    def fair_percent(self) -> int | None:
        return percent(self.fair_active, self.tracked)

    @property
    def apps_percent(self) -> int | None:
        return percent(self.from_apps, self.tracked)

    def add(self, other: DayActivity) -> None:
        self.tracked += other.tracked
        self.input_active += other.input_active
        self.fair_active += other.fair_active


def _merged(
    stretches: list[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(stretches):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covered(
    merged: list[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> int:
    """Seconds of [start, end) inside the merged stretches."""
    seconds = 0.0
    n = max(0, bisect.bisect_right(merged, (start,)) - 1)
    while n < len(merged) and merged[n][0] < end:
        overlap = (min(end, merged[n][1]) - max(start, merged[n][0])).total_seconds()
        seconds += max(0.0, overlap)
        n += 1
    return round(seconds)


def _marked_stretches(
    member: Member, book: LabelBook, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    apps, any_domain = book.marked_apps(member.pk)
    if not apps and not any_domain:
        return []
    which = Q(app__in=apps)
    if any_domain:
        which |= Q(url__isnull=False)
    spans = AppSpan.objects.filter(which, member=member, started_at__gte=start, started_at__lt=end)
    stretches = []
    for started_at, ended_at, app, url in spans.values_list("started_at", "ended_at", "app", "url"):
        label = book.for_member(thing_of(app, domain_of(url)), member.pk)
        if label is not None and label.active_without_input:
            stretches.append((started_at, ended_at))
    return _merged(stretches)


def get_fair_activity(
    *, member: Member, first_day: dt.date, last_day: dt.date, book: LabelBook | None = None
) -> dict[dt.date, DayActivity]:
    """Each local day of the member from `first_day` to `last_day` with its activity."""
    book = book or load_labels(company_id=member.company_id, member_ids=[member.pk])
    first, after = local_bounds(first_day, last_day, member.timezone)
    earliest = first - dt.timedelta(seconds=MAX_SLOT_SECONDS)
    marked = _marked_stretches(member, book, earliest, after)
    tz = zone(member.timezone)
    days: dict[dt.date, DayActivity] = {}
    slots = ActivitySlot.objects.filter(
        member=member, started_at__gte=earliest, started_at__lt=after
    ).values_list("started_at", "length_seconds", "active_seconds")
    for started_at, length, active in slots:
        ends = started_at + dt.timedelta(seconds=length)
        fair = min(length, max(active, _covered(marked, started_at, ends)))
        # day_shares splits counts in proportion: fair active as the slot's "active" and the
        # input's active seconds as its "keyboard" count, so both follow the seconds.
        for day, seconds, fair_share, input_share, _ in day_shares(
            started_at, length, fair, active, 0, tz
        ):
            if first_day <= day <= last_day:
                totals = days.setdefault(day, DayActivity(day))
                totals.add(DayActivity(day, seconds, input_share, fair_share))
    return days
