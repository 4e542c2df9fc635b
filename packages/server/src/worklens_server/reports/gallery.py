"""The screenshot gallery: a member's or a team's screenshots of one day, grouped by the hour of
each member's own clock, each with its slot's activity and the app that was in front.

Only records are read here: the images go through the audited screenshot views
(`privacy.services.open_screenshot`), so every thumbnail and every full-size view in the gallery
is recorded for the person it shows, as everywhere else. Records without an image say why:
skipped by the agent (a private app in front, the disk limit), deleted by the employee during
their review window, or not uploaded yet. The caller decided the viewer may see `members`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from worklens_server.companies.models import Member
from worklens_server.formatting import percent
from worklens_server.reports.day_rows import DayRows, load_day_rows
from worklens_server.reports.flags import SAME_SCREEN, input_flag_words
from worklens_server.reports.timeline import app_colour
from worklens_server.tracking.local_days import zone

#: What a screenshot record without an image says (worklens_wire.v1.ScreenshotRecord).
WHY_NO_IMAGE = {
    "private_app": "skipped: a private app was in front",
    "disk_limit": "skipped: the computer's screenshot space was full",
    "deleted_by_employee": "deleted by the employee",
}


@dataclass(frozen=True)
class GalleryShot:
    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    taken_at: dt.datetime
    local_time: str
    blurred: bool
    has_image: bool
    skipped_reason: str
    activity_percent: int | None
    app: str | None
    #: The agent's flags on the screenshot and its slot, in words (reports/flags.py).
    flags: tuple[str, ...] = ()

    @property
    def app_colour(self) -> int:
        return app_colour(self.app) if self.app else 0

    @property
    def missing_words(self) -> str:
        if self.has_image:
            return ""
        return WHY_NO_IMAGE.get(self.skipped_reason, "") or (
            f"skipped: {self.skipped_reason}" if self.skipped_reason else "not uploaded yet"
        )


@dataclass
class HourGroup:
    label: str
    shots: list[GalleryShot] = field(default_factory=list)


@dataclass(frozen=True)
class Gallery:
    day: dt.date
    hours: list[HourGroup]

    @property
    def count(self) -> int:
        return sum(len(group.shots) for group in self.hours)

    @property
    def with_image(self) -> int:
        return sum(1 for group in self.hours for shot in group.shots if shot.has_image)

    @property
    def previous_day(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next_day(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


def _shots(rows: DayRows) -> list[tuple[int, GalleryShot]]:
    """The member's shots with the hour of their clock each was taken in."""
    tz = zone(rows.member.timezone)
    slots = sorted(rows.slots, key=lambda slot: slot.started_at)
    slot_starts = [slot.started_at for slot in slots]
    span_starts = [span.started_at for span in rows.spans]
    found = []
    for shot in rows.shots:
        activity = app = None
        flags: tuple[str, ...] = (SAME_SCREEN,) if shot.same_as_previous else ()
        at = bisect.bisect_right(slot_starts, shot.taken_at) - 1
        if at >= 0 and shot.taken_at < slots[at].ended_at:
            activity = percent(slots[at].active_seconds, slots[at].seconds)
            flags += input_flag_words(slots[at].input_flags)
        at = bisect.bisect_right(span_starts, shot.taken_at) - 1
        if at >= 0 and shot.taken_at < rows.spans[at].ended_at:
            app = rows.spans[at].app
        local = shot.taken_at.astimezone(tz)
        found.append(
            (
                local.hour,
                GalleryShot(
                    id=shot.id,
                    member_id=rows.member.pk,
                    member_name=rows.member.user.display_name,
                    taken_at=shot.taken_at,
                    local_time=local.strftime("%H:%M:%S"),
                    blurred=shot.blurred,
                    has_image=shot.has_image,
                    skipped_reason=shot.skipped_reason,
                    activity_percent=activity,
                    app=app,
                    flags=flags,
                ),
            )
        )
    return found


def get_gallery(*, members: Sequence[Member], day: dt.date) -> Gallery:
    """The screenshots of `members` on their own local `day`, by hour of their clock; in an
    hour, by member and time."""
    loaded = load_day_rows(members=members, day=day)
    by_hour: dict[int, list[GalleryShot]] = {}
    for member in members:
        for hour, shot in _shots(loaded[member.pk]):
            by_hour.setdefault(hour, []).append(shot)
    return Gallery(
        day=day,
        hours=[
            HourGroup(f"{hour:02d}:00", sorted(shots, key=lambda s: (s.member_name, s.taken_at)))
            for hour, shots in sorted(by_hour.items())
        ],
    )
