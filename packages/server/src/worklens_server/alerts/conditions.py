"""What holds now, per company: the conditions the alert check turns into incidents. Reads only
what is already stored (devices' last contact and capture sources, the daily rollups, the
effective policy); nothing here writes.

Only members with an enrolled device (not revoked, not uninstalled) are watched: someone who
never installed the agent, or whose agent was removed, is not expected to track.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from worklens_server.alerts.models import Alert, AlertSettings
from worklens_server.alerts.rules import (
    LOW_ACTIVITY_MIN_TRACKED_SECONDS,
    WorkingHours,
    failing_sources,
    wanted_sources,
)
from worklens_server.companies.models import Company, Member
from worklens_server.devices.models import Device
from worklens_server.formatting import clock
from worklens_server.policies.selectors import get_effective_resolutions
from worklens_server.tracking.local_days import zone
from worklens_server.tracking.models import MemberDayRollup


@dataclass(frozen=True)
class Key:
    """Which incident: a member's alert of a kind, or a device's."""

    member_id: uuid.UUID
    device_id: uuid.UUID | None
    kind: str


def get_alert_settings(*, company: Company) -> AlertSettings:
    """The company's settings, or the defaults (unsaved) when the owner never changed them."""
    found = AlertSettings.objects.filter(company=company).first()
    return found if found is not None else AlertSettings(company=company)


def _watched_devices(company: Company) -> dict[uuid.UUID, list[Device]]:
    devices: dict[uuid.UUID, list[Device]] = defaultdict(list)
    for device in Device.objects.filter(
        company=company, revoked_at__isnull=True, uninstalled_at__isnull=True
    ).order_by("enrolled_at"):
        devices[device.member_id].append(device)
    return devices


def find_conditions(*, company: Company, now: dt.datetime) -> dict[Key, str]:
    """Every condition that holds at `now`, with what it is in words."""
    settings = get_alert_settings(company=company)
    hours = WorkingHours(settings.weekdays, settings.work_starts, settings.work_ends)
    devices = _watched_devices(company)
    members = list(Member.objects.filter(pk__in=list(devices)).select_related("user", "company"))
    local_now = {m.pk: now.astimezone(zone(m.timezone)) for m in members}
    rollups = {
        (member_id, day): (tracked, active)
        for member_id, day, tracked, active in MemberDayRollup.objects.filter(
            member_id__in=list(local_now), day__in={t.date() for t in local_now.values()}
        ).values_list("member_id", "day", "tracked_seconds", "active_seconds")
    }
    found: dict[Key, str] = {}
    for member in members:
        local = local_now[member.pk]
        tracked, active = rollups.get((member.pk, local.date()), (0, 0))
        in_hours = hours.is_within(local)
        if settings.silent_on and in_hours:
            seen = max(d.last_seen_at or d.enrolled_at for d in devices[member.pk])
            if now - seen > dt.timedelta(minutes=settings.silent_minutes):
                at = seen.astimezone(local.tzinfo)
                found[Key(member.pk, None, Alert.Kind.SILENT)] = (
                    f"no contact from their agent since {at:%a %d %b %H:%M}"
                )
        if (
            settings.not_tracking_on
            and hours.is_working_day(local)
            and settings.not_tracking_by <= local.time() < settings.work_ends
            and tracked == 0
        ):
            found[Key(member.pk, None, Alert.Kind.NOT_TRACKING)] = (
                f"no time tracked today by {settings.not_tracking_by:%H:%M}"
            )
        if (
            settings.low_activity_on
            and in_hours
            and tracked >= LOW_ACTIVITY_MIN_TRACKED_SECONDS
            and active * 100 < settings.low_activity_percent * tracked
        ):
            found[Key(member.pk, None, Alert.Kind.LOW_ACTIVITY)] = (
                f"{active * 100 // tracked} % active over {clock(tracked)} tracked today "
                f"(below {settings.low_activity_percent} %)"
            )
    if settings.sources_on:
        found |= _failing_devices(company, devices)
    return found


def _failing_devices(company: Company, devices: dict[uuid.UUID, list[Device]]) -> dict[Key, str]:
    """Devices with an unavailable source their member's policy needs. The policy is read only
    for members with an unavailable source at all, which is rarely anyone."""
    suspects = {
        member_id: [
            d
            for d in member_devices
            if any(isinstance(s, dict) and not s.get("available") for s in d.sources)
        ]
        for member_id, member_devices in devices.items()
    }
    suspects = {member_id: found for member_id, found in suspects.items() if found}
    if not suspects:
        return {}
    policies = get_effective_resolutions(member_ids=list(suspects), company_id=company.pk)
    found: dict[Key, str] = {}
    for member_id, member_devices in suspects.items():
        wanted = wanted_sources(policies[member_id].policy)
        for device in member_devices:
            failing = failing_sources(device.sources, wanted)
            if failing:
                name = device.hostname or "a device"
                found[Key(member_id, device.pk, Alert.Kind.SOURCES)] = (
                    f"on {name}: {', '.join(failing)} not working"
                )
    return found
