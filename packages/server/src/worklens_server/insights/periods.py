"""The period an apps report covers: a day, a week, a calendar month, or a range of days, from the
page's query (`?period=month&date=2026-06-01`, `?period=range&from=...&to=...`), with the same
controls as the timesheets (timesheets/periods.py) plus the month a productivity review needs.

Days are each member's own local days (Member.timezone), as the day totals are kept, so a
company spread over several zones is read with one range of dates. Weeks start on the company's
first weekday, as the timesheets' do (Company.week_starts_on).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from worklens_server.timesheets.periods import MAX_RANGE_DAYS, BadPeriod, week_of

ReportKind = Literal["day", "week", "month", "range"]
KINDS: tuple[ReportKind, ...] = ("day", "week", "month", "range")

__all__ = ["KINDS", "BadPeriod", "ReportPeriod", "parse_report_period"]


def _month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class ReportPeriod:
    kind: ReportKind
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def shifted(self, steps: int) -> ReportPeriod:
        """The next (or, with -1, the previous) period of the same kind: a month is a month."""
        if self.kind == "month":
            base = self.start if steps > 0 else self.start - dt.timedelta(days=1)
            day = (_month_of(self.start)[1] + dt.timedelta(days=1)) if steps > 0 else base
            return ReportPeriod("month", *_month_of(day))
        delta = (self.end - self.start + dt.timedelta(days=1)) * steps
        return ReportPeriod(self.kind, self.start + delta, self.end + delta)

    @property
    def previous(self) -> ReportPeriod:
        return self.shifted(-1)

    @property
    def next(self) -> ReportPeriod:
        return self.shifted(1)

    @property
    def query(self) -> str:
        if self.kind == "range":
            return urlencode(
                {"period": "range", "from": self.start.isoformat(), "to": self.end.isoformat()}
            )
        return urlencode({"period": self.kind, "date": self.start.isoformat()})

    @property
    def title(self) -> str:
        if self.kind == "day":
            return f"{self.start:%A}, {self.start.day} {self.start:%B %Y}"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        return f"{self.start.day} {self.start:%b %Y} to {self.end.day} {self.end:%b %Y}"


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


def parse_report_period(
    params: Mapping[str, str], *, today: dt.date, week_starts_on: int
) -> ReportPeriod:
    kind = params.get("period") or "week"
    if kind not in KINDS:
        raise BadPeriod(f"period: {kind!r} is not one of day, week, month, range")
    day = _date(params, "date", today) if kind != "range" else today
    if kind == "day":
        return ReportPeriod("day", day, day)
    if kind == "week":
        week = week_of(day, starts_on=week_starts_on)
        return ReportPeriod("week", week.start, week.end)
    if kind == "month":
        return ReportPeriod("month", *_month_of(day))
    start, end = _date(params, "from", None), _date(params, "to", None)
    if end < start:
        raise BadPeriod(f"to: {end} is before from: {start}")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise BadPeriod(
            f"a range holds at most {MAX_RANGE_DAYS} days; this one has {(end - start).days + 1}"
        )
    return ReportPeriod("range", start, end)
