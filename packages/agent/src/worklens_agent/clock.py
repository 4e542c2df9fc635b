"""Time as the agent records it: UTC, whole seconds, wall-clock slot boundaries, and the text the
journal stores. Pure functions, usable from every layer.

Entry starts and stops are whole seconds so that slot lengths (whole seconds on the wire) add up
exactly to an entry's duration.
"""

from __future__ import annotations

import datetime as dt

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ONE_SECOND = dt.timedelta(seconds=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_text(moment: dt.datetime) -> str:
    """ISO 8601 in UTC; these strings sort in time order, which the journal's queries rely on."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def whole_second(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC, cut down to its second."""
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def next_whole_second(moment: dt.datetime) -> dt.datetime:
    """`moment` in UTC, rounded up to a second (unchanged when it is one already)."""
    whole = whole_second(moment)
    return whole if whole == moment else whole + ONE_SECOND


def slot_boundary(moment: dt.datetime, slot_seconds: int) -> dt.datetime:
    """The latest wall-clock multiple of `slot_seconds` at or before `moment`."""
    elapsed = int((moment - EPOCH).total_seconds())
    return EPOCH + dt.timedelta(seconds=elapsed - elapsed % slot_seconds)


def hours_minutes_seconds(seconds: int) -> str:
    """A duration as h:mm:ss (hours not capped at 24), as the CLI and the tray show it."""
    hours, rest = divmod(max(0, seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
