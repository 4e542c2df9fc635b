"""What a stretch of a member's day held: the slot's activity, the screenshots taken in it, and
the apps and window titles in front, with the seconds of each inside the stretch. What a click on
a timeline's slot opens; the caller decided the viewer may see `member`."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from worklens_server.companies.models import Member
from worklens_server.formatting import clock, percent
from worklens_server.reports.flags import SAME_SCREEN, input_flag_words
from worklens_server.tracking.models import ActivitySlot, AppSpan, Screenshot
from worklens_wire.v1 import MAX_SLOT_SECONDS

MAX_STRETCH_SECONDS = 2 * MAX_SLOT_SECONDS


class BadStretch(ValueError):
    pass


@dataclass(frozen=True)
class Usage:
    app: str
    title: str
    seconds: int

    @property
    def duration_display(self) -> str:
        return clock(self.seconds)


@dataclass(frozen=True)
class Shot:
    id: uuid.UUID
    taken_at: dt.datetime
    blurred: bool
    has_image: bool
    skipped_reason: str
    same_as_previous: bool | None = None

    @property
    def flag_words(self) -> str:
        return SAME_SCREEN if self.same_as_previous else ""


@dataclass(frozen=True)
class SlotDetails:
    member: Member
    started_at: dt.datetime
    ended_at: dt.datetime
    seconds: int
    active_seconds: int
    keyboard_events: int
    mouse_events: int
    shots: list[Shot]
    apps: list[Usage]
    titles: list[Usage]
    #: What the agent flagged in the slots of the stretch, in words (reports/flags.py).
    flags: tuple[str, ...] = ()

    @property
    def activity_percent(self) -> int | None:
        return percent(self.active_seconds, self.seconds)


def parse_stretch(start: str | None, seconds: str | None) -> tuple[dt.datetime, int]:
    """`?start=` (an ISO time with its offset) and `?seconds=` of a slot link: up to two hours
    (the timeline opens the slots starting in ten minutes; the last may be an hour long)."""
    try:
        moment = dt.datetime.fromisoformat(start or "")
        length = int(seconds or "")
    except ValueError:
        raise BadStretch("start: an ISO time with its offset; seconds: a whole number") from None
    if moment.tzinfo is None:
        raise BadStretch("start: the time needs its offset (e.g. +00:00)")
    if not 0 < length <= MAX_STRETCH_SECONDS:
        raise BadStretch(f"seconds: from 1 to {MAX_STRETCH_SECONDS}")
    return moment.astimezone(dt.UTC), length


def _overlap(a: dt.datetime, b: dt.datetime, lo: dt.datetime, hi: dt.datetime) -> int:
    return max(0, int((min(b, hi) - max(a, lo)).total_seconds()))


def get_slot_details(*, member: Member, started_at: dt.datetime, seconds: int) -> SlotDetails:
    ended_at = started_at + dt.timedelta(seconds=seconds)
    slots = ActivitySlot.objects.filter(
        member=member,
        started_at__gte=started_at - dt.timedelta(seconds=MAX_SLOT_SECONDS),
        started_at__lt=ended_at,
    ).values_list(
        "started_at",
        "length_seconds",
        "active_seconds",
        "keyboard_events",
        "mouse_events",
        "input_flags",
    )
    active = keyboard = mouse = 0
    flags: list[str] = []
    for slot_start, length, slot_active, slot_keyboard, slot_mouse, slot_flags in slots:
        part = _overlap(slot_start, slot_start + dt.timedelta(seconds=length), started_at, ended_at)
        if part:
            flags += input_flag_words(slot_flags)
        if part and length:  # a slot's counts in proportion to its part, as days share them
            active += slot_active * part // length
            keyboard += slot_keyboard * part // length
            mouse += slot_mouse * part // length
    # A span may have begun before the stretch; an hour back covers any the agent cuts.
    apps: dict[str, int] = {}
    titles: dict[tuple[str, str], int] = {}
    for begin, end, app, title in AppSpan.objects.filter(
        member=member,
        started_at__gte=started_at - dt.timedelta(seconds=MAX_SLOT_SECONDS),
        started_at__lt=ended_at,
        ended_at__gt=started_at,
    ).values_list("started_at", "ended_at", "app", "title"):
        part = _overlap(begin, end, started_at, ended_at)
        if part:
            apps[app] = apps.get(app, 0) + part
            if title:
                titles[(app, title)] = titles.get((app, title), 0) + part
    shots = [
        Shot(
            shot.id,
            shot.taken_at,
            shot.blurred,
            bool(shot.image),
            shot.skipped_reason,
            shot.same_as_previous,
        )
        for shot in Screenshot.objects.filter(
            member=member, taken_at__gte=started_at, taken_at__lt=ended_at
        ).order_by("taken_at", "monitor")
    ]
    return SlotDetails(
        member=member,
        started_at=started_at,
        ended_at=ended_at,
        seconds=seconds,
        active_seconds=min(active, seconds),
        keyboard_events=keyboard,
        mouse_events=mouse,
        shots=shots,
        apps=sorted(
            (Usage(app, "", s) for app, s in apps.items()), key=lambda u: (-u.seconds, u.app)
        ),
        titles=sorted(
            (Usage(app, title, s) for (app, title), s in titles.items()),
            key=lambda u: (-u.seconds, u.app, u.title),
        ),
        flags=tuple(flags),
    )
