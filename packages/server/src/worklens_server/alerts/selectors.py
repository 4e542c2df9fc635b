"""Reads for alerts: open incidents a viewer may see, the alerts about oneself, and who is told.
Every read for a viewer is scoped by companies.selectors.get_visible_members."""

from __future__ import annotations

import datetime as dt

from worklens_server.alerts.models import Alert
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_visible_members

#: How far back "What is collected about me" lists the alerts about a person.
OWN_ALERTS_DAYS = 90


def managers_of(*, member: Member) -> list[Member]:
    """Who is alerted about `member`: the managers of their teams, or the company's owners when
    no manager looks after them (an owner's alerts go to the other owners)."""
    managers = (
        Member.objects.filter(
            company_id=member.company_id,
            role=Member.Role.MANAGER,
            team_memberships__is_manager=True,
            team_memberships__team__memberships__member=member,
        )
        .exclude(pk=member.pk)
        .select_related("user")
        .distinct()
        .order_by("user__email")
    )
    found = [] if member.role == Member.Role.OWNER else list(managers)
    if found:
        return found
    owners = Member.objects.filter(company_id=member.company_id, role=Member.Role.OWNER)
    return list(owners.exclude(pk=member.pk).select_related("user").order_by("user__email"))


def list_open_alerts(*, viewer: Member) -> list[Alert]:
    """The open incidents about the members `viewer` sees (an employee: their own)."""
    return list(
        Alert.objects.filter(
            closed_at__isnull=True,
            company_id=viewer.company_id,
            member__in=get_visible_members(viewer=viewer),
        )
        .select_related("member__user", "device")
        .order_by("opened_at", "kind")
    )


def list_alerts_about(*, member: Member, now: dt.datetime) -> list[Alert]:
    """The alerts about `member` of the last OWN_ALERTS_DAYS days, newest first, for their own
    privacy page: they can see what their managers were told about them."""
    since = now - dt.timedelta(days=OWN_ALERTS_DAYS)
    return list(
        Alert.objects.filter(member=member, opened_at__gte=since)
        .select_related("device")
        .order_by("-opened_at")
    )
