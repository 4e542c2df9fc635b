"""The period a timesheet covers: a day, a week, or a range of days, from the page's query
(`?period=week&date=2026-06-17`, `?period=range&from=...&to=...`).

Weeks start on the company's first weekday (Company.week_starts_on: Monday, as ISO 8601 has it,
Sunday or Saturday); every caller passes it, so no week falls back to Monday by accident. Days
are local days, as the day totals are kept; a week submitted for approval is such a week of the
member's own days.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

PeriodKind = Literal["day", "week", "range"]
KINDS: tuple[PeriodKind, ...] = ("day", "week", "range")
#: A range holds at most this many days: a quarter, enough for any payroll period.
MAX_RANGE_DAYS = 93


class BadPeriod(ValueError):
    """The query names no period a timesheet can show; the message says what is wrong."""


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def length(self) -> dt.timedelta:
        return self.end - self.start + dt.timedelta(days=1)

    def shifted(self, steps: int) -> Period:
        """The period as long as this one, `steps` lengths later (earlier when negative)."""
        delta = self.length * steps
        return Period(self.kind, self.start + delta, self.end + delta)

    @property
    def previous(self) -> Period:
        return self.shifted(-1)

    @property
    def next(self) -> Period:
        return self.shifted(1)

    @property
    def query(self) -> str:
        """The query string that shows this period again."""
        if self.kind == "range":
            return urlencode(
                {"period": "range", "from": self.start.isoformat(), "to": self.end.isoformat()}
            )
        return urlencode({"period": self.kind, "date": self.start.isoformat()})

    @property
    def title(self) -> str:
        if self.kind == "day":
            return f"{self.start:%A}, {self.start.day} {self.start:%B %Y}"
        return f"{self.start.day} {self.start:%b %Y} to {self.end.day} {self.end:%b %Y}"


def week_of(day: dt.date, *, starts_on: int) -> Period:
    """The week holding `day`, of weeks that start on weekday `starts_on` (0 = Monday)."""
    first = day - dt.timedelta(days=(day.weekday() - starts_on) % 7)
    return Period("week", first, first + dt.timedelta(days=6))


def week_from(first_day: dt.date) -> Period:
    """The seven days from `first_day`: a stored week, whatever the company's setting is now."""
    return Period("week", first_day, first_day + dt.timedelta(days=6))


def local_bounds(start: dt.date, end: dt.date, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The local days `start` to `end` (inclusive) of the zone as a half-open UTC interval."""
    tz = zoneinfo.ZoneInfo(zone_name)
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


def local_days_of(
    started_at: dt.datetime, ended_at: dt.datetime, zone_name: str
) -> tuple[dt.date, dt.date]:
    """The first and last local day that the stretch [started_at, ended_at) touches."""
    tz = zoneinfo.ZoneInfo(zone_name)
    last = (ended_at - dt.timedelta(microseconds=1)).astimezone(tz).date()
    return started_at.astimezone(tz).date(), last


DASH = "\u2013"  # between the start and the end of a stretch, as the pages write it


def moment_text(moment: dt.datetime, zone_name: str) -> str:
    """A moment as the member's pages show it: "Tue 16 Jun 2026 09:30"."""
    return f"{moment.astimezone(zoneinfo.ZoneInfo(zone_name)):%a %d %b %Y %H:%M}"


def stretch_text(start: dt.datetime, end: dt.datetime, zone_name: str) -> str:
    """The stretch as the pages show it: "Tue 16 Jun 2026 09:30" and the end's time of day."""
    end_time = f"{end.astimezone(zoneinfo.ZoneInfo(zone_name)):%H:%M}"
    return f"{moment_text(start, zone_name)}{DASH}{end_time}"


def _date(params: Mapping[str, str], name: str, default: dt.date | None) -> dt.date:
    value = params.get(name) or ""
    if not value:
        if default is None:
            raise BadPeriod(f"{name}: a date of the form YYYY-MM-DD is needed")
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(f"{name}: {value!r} is not a date of the form YYYY-MM-DD") from None


def parse_period(params: Mapping[str, str], *, today: dt.date, week_starts_on: int) -> Period:
    kind = params.get("period") or "week"
    if kind not in KINDS:
        raise BadPeriod(f"period: {kind!r} is not one of day, week, range")
    if kind == "day":
        day = _date(params, "date", today)
        return Period("day", day, day)
    if kind == "week":
        return week_of(_date(params, "date", today), starts_on=week_starts_on)
    start, end = _date(params, "from", None), _date(params, "to", None)
    if end < start:
        raise BadPeriod(f"to: {end} is before from: {start}")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise BadPeriod(
            f"a range holds at most {MAX_RANGE_DAYS} days; this one has {(end - start).days + 1}"
        )
    return Period("range", start, end)
