"""A member's tracked time is counted once: a new slot never covers a second that another slot of
the same member (from any device, in this batch or stored before) already covers.

Two devices tracking one person at once, an agent restarted with a stale journal, or a clock that
jumped back would otherwise add the same hour twice to every total. The first slot stored for a
second keeps it; a later one is shortened to the longest stretch nobody covers yet, or left out
when nothing is left. Shortened slots keep their id (a re-sent copy is then a duplicate, stored
once), and their activity counts are cut in proportion to the seconds they keep. Slots of this
batch are placed in time order, so within a batch the earlier one wins.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from worklens_wire.v1 import ActivitySlot

_ONE_SECOND = dt.timedelta(seconds=1)


@dataclass
class Clipping:
    """What to store of the new slots: each unchanged, shortened, or left out."""

    slots: list[ActivitySlot] = field(default_factory=list)
    shortened: int = 0
    left_out: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.shortened or self.left_out)


class _Covered:
    """Disjoint covered stretches [start, end), sorted by start."""

    def __init__(self, stretches: Iterable[tuple[dt.datetime, dt.datetime]]) -> None:
        self.starts: list[dt.datetime] = []
        self.ends: list[dt.datetime] = []
        for start, end in sorted(stretches):
            self.add(start, end)

    def add(self, start: dt.datetime, end: dt.datetime) -> None:
        """Cover [start, end), merging with the stretches it touches."""
        i = bisect.bisect_left(self.ends, start)  # first stretch ending at or after `start`
        j = i
        while j < len(self.starts) and self.starts[j] <= end:
            start, end = min(start, self.starts[j]), max(end, self.ends[j])
            j += 1
        self.starts[i:j] = [start]
        self.ends[i:j] = [end]

    def free(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        """The parts of [start, end) no stretch covers, in time order."""
        parts = []
        i = bisect.bisect_right(self.ends, start)  # first stretch ending after `start`
        cursor = start
        while cursor < end and i < len(self.starts):
            if self.starts[i] >= end:
                break
            if self.starts[i] > cursor:
                parts.append((cursor, self.starts[i]))
            cursor = max(cursor, self.ends[i])
            i += 1
        if cursor < end:
            parts.append((cursor, end))
        return parts


def _scaled(value: int, kept: int, length: int) -> int:
    return value * kept // length


def clip_slots(
    new: Sequence[ActivitySlot], covered: Iterable[tuple[dt.datetime, dt.datetime]]
) -> Clipping:
    """Place `new` (slots not stored yet) beside the stretches already `covered` by stored slots
    of the same member. Returns the slots to store, in the order of `new`."""
    taken = _Covered(covered)
    kept: dict[int, ActivitySlot] = {}
    result = Clipping()
    for index in sorted(range(len(new)), key=lambda i: new[i].started_at):
        slot = new[index]
        end = slot.started_at + dt.timedelta(seconds=slot.length_seconds)
        parts = taken.free(slot.started_at, end)
        if parts == [(slot.started_at, end)]:
            kept[index] = slot
            taken.add(slot.started_at, end)
            continue
        # The longest free stretch, in whole seconds (the earliest of equals).
        best = max(parts, key=lambda part: (part[1] - part[0]) // _ONE_SECOND, default=None)
        seconds = 0 if best is None else (best[1] - best[0]) // _ONE_SECOND
        if best is None or seconds < 1:
            result.left_out += 1
            continue
        length = slot.length_seconds
        kept[index] = slot.model_copy(
            update={
                "started_at": best[0],
                "length_seconds": seconds,
                "active_seconds": min(seconds, _scaled(slot.active_seconds, seconds, length)),
                "keyboard_events": _scaled(slot.keyboard_events, seconds, length),
                "mouse_events": _scaled(slot.mouse_events, seconds, length),
            }
        )
        taken.add(best[0], best[0] + dt.timedelta(seconds=seconds))
        result.shortened += 1
    result.slots = [kept[i] for i in sorted(kept)]
    return result
