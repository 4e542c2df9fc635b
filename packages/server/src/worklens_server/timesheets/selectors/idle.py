"""Idle time as every timesheet shows it (docs/using.md, "Idle time"): what the employee's agent
reported as idle time kept or discarded.

- Kept idle time is tracked time like any other, with its slots: it is counted, included in the
  totals, and shown apart in an "Idle kept" figure. Its seconds come from the day rollups of the
  time entries marked kept (tracking.TimeEntry.idle), less what approved trims took out of them,
  so the figure is part of the total the page shows.
- Discarded idle time has no slots: only its stretch reached the server, so it is counted in no
  total and shown as "Idle discarded", the part of each stretch that falls on the period's local
  days (the member's own zone, as for every count).

Cost: one range read of the discarded stretches of the members asked about, on the
(member, started_at) index; the kept figures ride on the rollup reads the timesheets already make,
plus one read of kept entries when the period has approved trims.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping

from worklens_server.timesheets.periods import local_bounds
from worklens_server.tracking.models import TimeEntry

#: How long before a period a discarded stretch that reaches into it may have begun (a timer left
#: running over a long weekend): a bound keeps the read a range on the index.
MAX_STRETCH = dt.timedelta(days=7)


def discarded_idle_seconds(
    *, zones: Mapping[uuid.UUID, str], start: dt.date, end: dt.date
) -> dict[uuid.UUID, int]:
    """Seconds of discarded idle time per member on the local days `start` to `end` (inclusive)
    of their zone (`zones`: member id to IANA zone)."""
    if not zones:
        return {}
    bounds = {member_id: local_bounds(start, end, zone) for member_id, zone in zones.items()}
    first = min(lo for lo, _ in bounds.values())
    after = max(hi for _, hi in bounds.values())
    rows = TimeEntry.objects.filter(
        member_id__in=list(zones),
        idle=TimeEntry.Idle.DISCARDED,
        started_at__gte=first - MAX_STRETCH,
        started_at__lt=after,
        stopped_at__gt=first,
    ).values_list("member_id", "started_at", "stopped_at")
    seconds: dict[uuid.UUID, int] = {}
    for member_id, started_at, stopped_at in rows:
        if stopped_at is None:  # never: the contract gives discarded idle time its end
            continue
        lo, hi = bounds[member_id]
        part = (min(stopped_at, hi) - max(started_at, lo)).total_seconds()
        if part > 0:
            seconds[member_id] = seconds.get(member_id, 0) + int(part)
    return seconds


def kept_idle_entry_ids(*, entry_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `entry_ids` hold idle time the employee kept (to take trims out of its figure)."""
    if not entry_ids:
        return set()
    return set(
        TimeEntry.objects.filter(id__in=list(entry_ids), idle=TimeEntry.Idle.KEPT).values_list(
            "id", flat=True
        )
    )
