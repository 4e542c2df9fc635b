"""Flags on a slot whose input looked produced by a tool rather than a person: computed on the
device from timing statistics alone (sources/input_timing.py); only the flag and the statistics
that triggered it leave the device (worklens_wire.flags).

The rule is deliberately conservative, since a flag a person trips is worse than a tool missed.
Over the *whole* slot, not a stretch of it:

- "regular_mouse": at least MIN_EVENTS pointer events spanning at least MIN_SPAN_SECONDS, their
  intervals' coefficient of variation under MAX_CV, at least MIN_INTERVAL_SECONDS apart on
  average, and every move one of at most two vectors (a jiggler's +1 px, or +1 then -1).
- "held_key": at least MIN_EVENTS key presses spanning MIN_SPAN_SECONDS at one rate (CV under
  MAX_CV): a key held down, or pressed by a tool, with no other typing in the slot.

A person's input is irregular: pauses between bursts put the CV of a slot's intervals far above
1, and a hand never moves the pointer along two vectors only for minutes. The regular polling of
a moving mouse (every 8 ms) is excluded by MIN_INTERVAL_SECONDS and by its many vectors; holding
a key for a second is excluded by MIN_SPAN_SECONDS, and the first press's longer delay before
auto-repeat adds spread to the intervals.
"""

from __future__ import annotations

from worklens_agent.sources.input_timing import InputTiming, Intervals
from worklens_wire.flags import InputFlag, InputFlagKind

MIN_EVENTS = 8
MIN_SPAN_SECONDS = 120.0
MAX_CV = 0.02
#: Pointer events of a moving hand come every few milliseconds; a jiggler's, every few seconds.
MIN_INTERVAL_SECONDS = 1.0
MAX_VECTORS = 2


def _regular(intervals: Intervals) -> bool:
    return (
        intervals.events >= MIN_EVENTS
        and intervals.span_seconds >= MIN_SPAN_SECONDS
        and intervals.cv < MAX_CV
    )


def _flag(kind: InputFlagKind, intervals: Intervals, *, moves: int = 0, step: int = 0) -> InputFlag:
    return InputFlag(
        kind=kind,
        events=intervals.events,
        interval_seconds=round(intervals.mean, 3),
        interval_cv=round(intervals.cv, 4),
        distinct_moves=moves,
        step_px=step,
    )


def input_flags(timing: InputTiming) -> list[InputFlag]:
    """The flags of a slot's input (none for a person's); see the module's rule."""
    flags = []
    pointer = timing.pointer
    if (
        _regular(pointer)
        and pointer.mean >= MIN_INTERVAL_SECONDS
        and len(timing.vectors) <= MAX_VECTORS
    ):
        flags.append(
            _flag("regular_mouse", pointer, moves=len(timing.vectors), step=timing.largest_step)
        )
    if _regular(timing.keys):
        flags.append(_flag("held_key", timing.keys))
    return flags
