"""How pages, e-mails and texts show durations and percentages: one way each, used everywhere.

Plain Python (no Django): every app may use it.
"""

from __future__ import annotations


def clock(seconds: int) -> str:
    """A tracked duration as hours:minutes:seconds: 3725 -> "1:02:05", 90000 -> "25:00:00"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def duration_in_words(seconds: int) -> str:
    """600 -> "10 minutes", 90 -> "1 minute 30 seconds", 3600 -> "1 hour"."""
    parts = []
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    for amount, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    return " ".join(parts) or "0 seconds"


def duration_in_largest_unit(seconds: int) -> str:
    """In whole days or whole hours when it is a number of them, else in seconds:
    1209600 -> "14 days", 3600 -> "1 hour", 300 -> "300 seconds"."""
    days, rest = divmod(int(seconds), 86400)
    if days and not rest:
        return f"{days} day" + ("s" if days != 1 else "")
    hours, rest = divmod(int(seconds), 3600)
    if hours and not rest:
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{int(seconds)} seconds"


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` in whole percent; None when there is no whole (nothing tracked)."""
    return round(100 * part / whole) if whole > 0 else None
