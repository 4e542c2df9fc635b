"""Reads for reports. Every query is scoped to the viewer's company and role (through
companies.selectors.get_visible_members) and reads rollups, never a day of raw slots. Today's
totals count approved changes as the timesheets do (timesheets.selectors.counted): manual time
added, trimmed time taken out, and say how much of each."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_visible_members
from worklens_server.formatting import clock, percent
from worklens_server.timesheets.selectors.counted import DayChanges, count_changes
from worklens_server.tracking.models import AppSpan, MemberDayRollup


@dataclass(frozen=True)
class TeamTodayRow:
    member_id: str
    name: str
    email: str
    role: str
    tracked_seconds: int
    active_seconds: int
    current_app: str | None
    current_app_since: dt.datetime | None
    last_seen_at: dt.datetime | None
    current_url: str | None = None  # the browser tab of the current app span, when captured
    #: Approved manual time in tracked_seconds, and tracked time approved trims took out of it.
    manual_seconds: int = 0
    trimmed_seconds: int = 0
    #: The app last in front on an earlier day, when nothing was in front today: not "current".
    earlier_app: str | None = None
    earlier_app_at: dt.datetime | None = None

    @property
    def current_site(self) -> str | None:
        """The host of `current_url`: what a glance at the team needs; the full URL is a hover."""
        if not self.current_url:
            return None
        try:
            return urlsplit(self.current_url).hostname or self.current_url[:60]
        except ValueError:
            return self.current_url[:60]

    @property
    def activity_percent(self) -> int | None:
        """A share of tracked time only: manual time has no activity to measure."""
        return percent(self.active_seconds, self.tracked_seconds - self.manual_seconds)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)

    @property
    def manual_display(self) -> str:
        return clock(self.manual_seconds)

    @property
    def trimmed_display(self) -> str:
        return clock(self.trimmed_seconds)


def company_today(*, timezone_name: str, now: dt.datetime | None = None) -> dt.date:
    """Today's date in `timezone_name`: the company's, or a member's own (Member.timezone)."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(timezone_name)).date()


def get_team_today(*, viewer: Member, now: dt.datetime | None = None) -> list[TeamTodayRow]:
    """Each visible member's today (in their own zone: Member.timezone) with its totals, the
    application in front today (else the last one, on an earlier day, as such) and when their
    agent was last heard from."""
    now = now or timezone.now()
    latest_span = AppSpan.objects.filter(member_id=OuterRef("pk")).order_by("-started_at")
    members = list(
        get_visible_members(viewer=viewer)
        .select_related("user", "company")
        .annotate(
            current_app=Subquery(latest_span.values("app")[:1]),
            current_app_since=Subquery(latest_span.values("started_at")[:1]),
            current_url=Subquery(latest_span.values("url")[:1]),
            last_seen_at=Max("devices__last_seen_at"),
        )
        .order_by("user__full_name", "user__email")
    )
    today = {m.pk: company_today(timezone_name=m.timezone, now=now) for m in members}
    totals = {
        (member_id, day): (tracked, active)
        for member_id, day, tracked, active in MemberDayRollup.objects.filter(
            member_id__in=list(today), day__in=set(today.values())
        ).values_list("member_id", "day", "tracked_seconds", "active_seconds")
    }
    changes = (
        count_changes(
            zones={m.pk: m.timezone for m in members},
            start=min(today.values()),
            end=max(today.values()),
        ).by_member_day()
        if members
        else {}
    )
    rows = []
    for member in members:
        tracked, active = totals.get((member.pk, today[member.pk]), (0, 0))
        changed = changes.get((member.pk, today[member.pk]), DayChanges())
        since = member.current_app_since
        local = zoneinfo.ZoneInfo(member.timezone)
        today_app = since is not None and since.astimezone(local).date() == today[member.pk]
        rows.append(
            TeamTodayRow(
                member_id=str(member.pk),
                name=member.user.display_name,
                email=member.user.email,
                role=member.get_role_display(),
                tracked_seconds=max(0, int(tracked) - changed.trimmed) + changed.manual,
                active_seconds=max(0, int(active) - changed.trimmed_active),
                current_app=member.current_app if today_app else None,
                current_app_since=since if today_app else None,
                last_seen_at=member.last_seen_at,
                current_url=member.current_url if today_app else None,
                manual_seconds=changed.manual,
                trimmed_seconds=changed.trimmed,
                earlier_app=None if today_app else member.current_app,
                earlier_app_at=None if today_app else since,
            )
        )
    return rows


def list_day_members(*, viewer: Member, team: Team | None) -> list[Member]:
    """The members whose day a team page shows: everyone `viewer` may see, or of `team` (found
    with timesheets' get_visible_team), by name."""
    members = get_visible_members(viewer=viewer).select_related("user", "company")
    if team is not None:
        members = members.filter(team_memberships__team=team)
    return list(members.order_by("user__full_name", "user__email"))
