"""When screenshots are taken: `screenshots_per_interval` random moments inside each wall-clock
window of `screenshot_interval_seconds` (taken only while a time entry is open: screenshots.py)."""

from __future__ import annotations

import datetime as dt
import random

from worklens_agent.clock import slot_boundary
from worklens_wire.v1 import Policy


class ScreenshotSchedule:
    """Random moments inside each wall-clock window of `screenshot_interval_seconds`.

    Moments are drawn when a window is first seen. When the agent starts in the middle of a window
    the moments already past are dropped rather than taken all at once. A moment the ticks missed
    at the end of a window is taken at the first tick of the next one.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._key: tuple[dt.datetime, int, int] | None = None
        self._moments: list[dt.datetime] = []

    @property
    def moments(self) -> list[dt.datetime]:
        return list(self._moments)

    def due(self, now: dt.datetime, policy: Policy) -> bool:
        """True when a planned moment has arrived (several past moments count once)."""
        count, interval = policy.screenshots_per_interval, policy.screenshot_interval_seconds
        window = slot_boundary(now, interval)
        key = (window, interval, count)
        if key != self._key:
            previous = self._key
            first = previous is None or previous[1:] != key[1:]
            # A moment at the very end of the window just over that no tick reached in time (a
            # tick is a second apart, later on a busy machine) is taken now rather than lost.
            overdue = (
                not first
                and previous is not None
                and previous[0] + dt.timedelta(seconds=interval) == window
                and bool(self._moments)
            )
            self._key = key
            self._moments = sorted(
                window + dt.timedelta(seconds=self._rng.uniform(0, interval)) for _ in range(count)
            )
            if first:
                self._moments = [moment for moment in self._moments if moment >= now]
            if overdue:
                self._moments.insert(0, now)
        if not self._moments or self._moments[0] > now:
            return False
        self._moments = [moment for moment in self._moments if moment > now]
        return True
