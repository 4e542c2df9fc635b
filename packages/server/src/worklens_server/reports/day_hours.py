"""A member's day by the hour of their clock: tracked and active seconds of the day's slots.

Read from the same `MemberDay` as the page's slot lists, so the activity chart and the table
beside it show exactly the slots listed above them. Each slot counts in the hour it starts in
(slots are a few minutes long and aligned to the clock, so one seldom crosses an hour); a slot
cut at local midnight counts its part of the day from midnight, as the day's totals do. The
figures are input activity as recorded: approved trims take time from entries, not from slots,
so an hour's activity is the input measured in it.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from worklens_server.formatting import clock, percent
from worklens_server.reports.member_day import MemberDay


@dataclass(frozen=True)
class HourActivity:
    hour: int  # 0..23 on the member's clock
    tracked_seconds: int
    active_seconds: int

    @property
    def label(self) -> str:
        return f"{self.hour:02d}"

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.tracked_seconds)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)


def activity_per_hour(*, member_day: MemberDay) -> list[HourActivity]:
    """The 24 hours of the day, each with the seconds of the slots starting in it."""
    tz = zoneinfo.ZoneInfo(member_day.member.timezone)
    tracked = [0] * 24
    active = [0] * 24
    for entry in member_day.entries:
        for slot in entry.slots:
            hour = slot.started_at.astimezone(tz).hour
            tracked[hour] += slot.length_seconds
            active[hour] += slot.active_seconds
    return [HourActivity(hour, tracked[hour], active[hour]) for hour in range(24)]
