"""A slot's seconds on the days they fall on, in a time zone: a slot that crosses local midnight
counts on both days, and days of 23 and 25 hours (the DST changes) count what they hold.

Slots are aligned to wall-clock multiples of the policy's slot length in UTC, so they cross local
midnight wherever the zone's offset is not a multiple of it (10-minute slots in Asia/Kathmandu,
an hour in India, 7 minutes anywhere). Activity counts go with the seconds, in proportion; the
shares of a slot add up to the slot exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

#: (day, seconds, active seconds, keyboard events, mouse events)
DayShare = tuple[dt.date, int, int, int, int]


@functools.lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def next_local_midnight(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The first local midnight after `moment`, as an aware datetime in `tz`."""
    day = moment.astimezone(tz).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def day_shares(
    started_at: dt.datetime,
    seconds: int,
    active: int,
    keyboard: int,
    mouse: int,
    tz: zoneinfo.ZoneInfo,
) -> list[DayShare]:
    """The slot [started_at, +seconds) with its counts, shared out over the local days of `tz`."""
    start = started_at
    midnight = next_local_midnight(start, tz)
    day = start.astimezone(tz).date()
    if start + dt.timedelta(seconds=seconds) <= midnight:  # nearly always: one day
        return [(day, seconds, active, keyboard, mouse)]
    shares: list[DayShare] = []
    seconds_left = seconds
    while True:
        part = min(seconds_left, int((midnight - start).total_seconds()))
        if part >= seconds_left:
            shares.append((day, seconds_left, active, keyboard, mouse))
            return shares
        if part > 0:
            share = (
                day,
                part,
                active * part // seconds_left,
                keyboard * part // seconds_left,
                mouse * part // seconds_left,
            )
            shares.append(share)
            seconds_left, active = seconds_left - part, active - share[2]
            keyboard, mouse = keyboard - share[3], mouse - share[4]
        start, day = midnight, midnight.date()
        midnight = next_local_midnight(start, tz)
