"""When screenshots are taken: random moments in each window, on a fake clock."""

from __future__ import annotations

import datetime as dt
import random

from worklens_agent.recording.screenshot_schedule import ScreenshotSchedule
from worklens_wire.v1 import Policy

T0 = dt.datetime(2025, 3, 3, 9, 0, 0, tzinfo=dt.UTC)


def test_schedule_takes_n_random_moments_inside_each_window() -> None:
    policy = Policy(version=1, screenshots_per_interval=3, screenshot_interval_seconds=60)
    schedule = ScreenshotSchedule(random.Random(7))
    fired: list[dt.datetime] = []
    planned: set[dt.datetime] = set()
    for second in range(600):  # ten windows, ticked every second from a window start
        now = T0 + dt.timedelta(seconds=second)
        if schedule.due(now, policy):
            fired.append(now)
        planned.update(schedule.moments)
    per_window: dict[int, int] = {}
    for moment in fired:
        per_window[moment.minute] = per_window.get(moment.minute, 0) + 1
    assert sorted(per_window) == list(range(10))
    # Three per window, unless two moments fell within the same one-second tick.
    assert all(2 <= count <= 3 for count in per_window.values())
    assert sum(per_window.values()) >= 28
    # Moments are random, not the same offsets each window.
    offsets = {(m - m.replace(second=0, microsecond=0)).total_seconds() for m in planned}
    assert len(offsets) > 20


def test_schedule_off_and_started_mid_window() -> None:
    off = Policy(version=1, screenshots_per_interval=0)
    schedule = ScreenshotSchedule(random.Random(1))
    assert not any(schedule.due(T0 + dt.timedelta(seconds=s), off) for s in range(1200))

    policy = Policy(version=1, screenshots_per_interval=3, screenshot_interval_seconds=600)
    late = ScreenshotSchedule(random.Random(3))
    start = T0 + dt.timedelta(seconds=599)  # the window's moments are (almost surely) past
    assert late.due(start, policy) is False
    assert late.moments == []


def test_a_moment_at_the_end_of_a_window_missed_by_the_ticks_is_taken_in_the_next() -> None:
    """A busy machine ticks late: the tick before the window's end came before the moment, the
    next one after the window changed. The capture is late, not lost."""
    policy = Policy(version=1, screenshots_per_interval=1, screenshot_interval_seconds=30)

    class AtTheEnd(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b - 0.1

    schedule = ScreenshotSchedule(AtTheEnd())
    assert schedule.due(T0, policy) is False
    assert schedule.moments == [T0 + dt.timedelta(seconds=29.9)]
    assert schedule.due(T0 + dt.timedelta(seconds=29.5), policy) is False
    assert schedule.due(T0 + dt.timedelta(seconds=31.2), policy) is True  # the missed one
    assert schedule.moments == [T0 + dt.timedelta(seconds=59.9)]  # the next window's own
    assert schedule.due(T0 + dt.timedelta(seconds=32.2), policy) is False
    # After a long pause (a laptop asleep), an old window's moment is not taken.
    asleep = ScreenshotSchedule(AtTheEnd())
    assert asleep.due(T0, policy) is False
    assert asleep.due(T0 + dt.timedelta(seconds=600.5), policy) is False
