"""A week of tracked time uploaded through the real agent API: entries of one-minute slots, with or
without a project, for the timesheet tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from server_testkit import EnrolledDevice, batch, post_batch, slot, time_entry

MONDAY = dt.date(2026, 6, 15)  # the pinned clock's week: Wednesday 17 June 2026 is "today"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def track_entry(
    api: Client, device: EnrolledDevice, start: dt.datetime, minutes: int, **entry: Any
) -> None:
    """An entry of `minutes` one-minute slots from `start` (UTC; Berlin is two hours ahead)."""
    sent = time_entry(started_at=start, stopped_at=start + dt.timedelta(minutes=minutes), **entry)
    slots = [
        slot(sent.id, started_at=start + dt.timedelta(minutes=m), active_seconds=30)
        for m in range(minutes)
    ]
    response = post_batch(api, device, batch(device, time_entries=[sent], slots=slots))
    assert response.status_code == 200, response.content
