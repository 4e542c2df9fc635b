"""Statistics of input *timing*, kept as it happens, in constant memory: from these alone the
tracker tells input a tool produced (recording/input_flags.py).

Only when events happened and, for the pointer, how far it moved since the previous event are
used; positions are subtracted and dropped, keys are never known (input_x11.py). What a slot
keeps is a count, a mean interval and its spread, and up to three distinct movement vectors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Distinct movement vectors remembered: "more than two" is all the rule needs to know.
MAX_VECTORS = 3
#: A click or a scroll: not a movement, so it counts as a vector of its own.
CLICK = (0, 0)


@dataclass
class Intervals:
    """Count, mean and spread (Welford) of the seconds between successive events."""

    events: int = 0
    first: float | None = None
    last: float | None = None
    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, moment: float) -> None:
        if self.last is not None:
            self._add_interval(moment - self.last)
        else:
            self.first = moment
        self.last = moment
        self.events += 1

    def _add_interval(self, interval: float) -> None:
        self.count += 1
        delta = interval - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (interval - self.mean)

    def merge(self, later: Intervals) -> None:
        """Append the events of `later` (which followed these), including the gap between."""
        if later.events == 0:
            return
        if self.last is None or later.first is None:
            self.first, self.last = later.first, later.last
            self.events, self.count, self.mean, self.m2 = (
                later.events,
                later.count,
                later.mean,
                later.m2,
            )
            return
        self._add_interval(later.first - self.last)
        # Chan et al.'s parallel combination of two (count, mean, M2) summaries.
        if later.count:
            total = self.count + later.count
            delta = later.mean - self.mean
            self.m2 += later.m2 + delta * delta * self.count * later.count / total
            self.mean += delta * later.count / total
            self.count = total
        self.events += later.events
        self.last = later.last

    @property
    def span_seconds(self) -> float:
        return 0.0 if self.first is None or self.last is None else self.last - self.first

    @property
    def cv(self) -> float:
        """Coefficient of variation of the intervals (population standard deviation / mean)."""
        if self.count == 0 or self.mean <= 0:
            return math.inf
        return math.sqrt(max(self.m2, 0.0) / self.count) / self.mean


@dataclass
class InputTiming:
    """Timing statistics of a stretch of input: key presses, and pointer events with their moves."""

    keys: Intervals = field(default_factory=Intervals)
    pointer: Intervals = field(default_factory=Intervals)
    vectors: set[tuple[int, int]] = field(default_factory=set)
    largest_step: int = 0

    def key(self, moment: float) -> None:
        self.keys.add(moment)

    def pointer_event(self, moment: float, vector: tuple[int, int] | None) -> None:
        """`vector` is None for the first move seen, whose start is unknown."""
        self.pointer.add(moment)
        if vector is not None:
            self._note_vector(vector)

    def _note_vector(self, vector: tuple[int, int]) -> None:
        if len(self.vectors) < MAX_VECTORS:
            self.vectors.add(vector)
        self.largest_step = max(self.largest_step, abs(vector[0]) + abs(vector[1]))

    def merge(self, later: InputTiming) -> None:
        self.keys.merge(later.keys)
        self.pointer.merge(later.pointer)
        for vector in later.vectors:
            self._note_vector(vector)
        self.largest_step = max(self.largest_step, later.largest_step)
