"""Reads for devices: the per-request token lookup."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_visible_members
from worklens_server.devices.hashing import hash_secret
from worklens_server.devices.models import Device


@dataclass(frozen=True, slots=True)
class AuthenticatedDevice:
    """What an API request needs to know about its device, from one indexed query."""

    id: uuid.UUID
    company_id: uuid.UUID
    member_id: uuid.UUID
    #: The zone of the member's days: the person's own, else the company's (Member.timezone).
    timezone: str
    revoked_at: dt.datetime | None


def find_device_by_token(*, token: str) -> AuthenticatedDevice | None:
    row = (
        Device.objects.filter(token_hash=hash_secret(token))
        .values_list(
            "id",
            "company_id",
            "member_id",
            "member__user__timezone",
            "company__timezone",
            "revoked_at",
        )
        .first()
    )
    if row is None:
        return None
    device_id, company_id, member_id, own_zone, company_zone, revoked_at = row
    return AuthenticatedDevice(
        device_id, company_id, member_id, own_zone or company_zone, revoked_at
    )


def list_member_devices(*, member_id: uuid.UUID, company_id: uuid.UUID) -> list[Device]:
    return list(
        Device.objects.filter(company_id=company_id, member_id=member_id).order_by(
            "revoked_at", "-last_seen_at", "hostname"
        )
    )


def list_visible_devices_of_others(*, viewer: Member) -> list[Device]:
    """Devices of the members `viewer` may see (owner: company, manager: their teams), without
    the viewer's own; always inside the viewer's company."""
    return list(
        Device.objects.filter(
            company_id=viewer.company_id, member__in=get_visible_members(viewer=viewer)
        )
        .exclude(member_id=viewer.pk)
        .select_related("member__user")
        .order_by("member__user__full_name", "member__user__email", "revoked_at", "hostname")
    )


def get_visible_device(*, viewer: Member, device_id: uuid.UUID) -> Device | None:
    """The device if it belongs to a member `viewer` may see, else None (the caller's 404)."""
    return (
        Device.objects.filter(
            company_id=viewer.company_id,
            pk=device_id,
            member__in=get_visible_members(viewer=viewer),
        )
        .select_related("member__user")
        .first()
    )
