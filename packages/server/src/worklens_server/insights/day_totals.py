"""App spans as per-day totals: the seconds of each (local day, app, domain), for the day totals
kept at ingest (AppDayTotal) and for filling them from spans stored before they existed.

A span crossing local midnight is split between its days, as the slots' day rollups are
(tracking/local_days.py), so a day's apps add up to what happened on that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from worklens_server.insights.domains import domain_of
from worklens_server.tracking.local_days import next_local_midnight, zone

#: (local day, app, domain) -> seconds
Totals = dict[tuple[dt.date, str, str], float]
#: (started_at, ended_at, app, url)
SpanTimes = tuple[dt.datetime, dt.datetime, str, str | None]


def add_spans(totals: Totals, spans: Iterable[SpanTimes], *, timezone_name: str) -> Totals:
    """Add each span's seconds to `totals`, split over the local days of `timezone_name`."""
    tz = zone(timezone_name)
    for started_at, ended_at, app, url in spans:
        if ended_at <= started_at:
            continue
        domain = domain_of(url)
        start = started_at
        while start < ended_at:
            midnight = next_local_midnight(start, tz)
            end = min(ended_at, midnight)
            key = (start.astimezone(tz).date(), app[:255], domain)
            totals[key] = totals.get(key, 0.0) + (end - start).total_seconds()
            start = end
    return totals


def as_rows(totals: Totals) -> list[tuple[dt.date, str, str, int]]:
    """(day, app, domain, whole seconds), sorted, so concurrent batches of one member lock their
    rows in the same order (no deadlocks)."""
    return [
        (day, app, domain, round(totals[day, app, domain])) for day, app, domain in sorted(totals)
    ]
