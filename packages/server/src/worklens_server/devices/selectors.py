"""Reads for devices: the per-request token lookup."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from worklens_server.devices.models import Device
from worklens_server.devices.services import hash_secret


@dataclass(frozen=True, slots=True)
class AuthenticatedDevice:
    """What an API request needs to know about its device, from one indexed query."""

    id: uuid.UUID
    company_id: uuid.UUID
    member_id: uuid.UUID
    company_timezone: str
    revoked_at: dt.datetime | None


def find_device_by_token(*, token: str) -> AuthenticatedDevice | None:
    row = (
        Device.objects.filter(token_hash=hash_secret(token))
        .values_list("id", "company_id", "member_id", "company__timezone", "revoked_at")
        .first()
    )
    if row is None:
        return None
    return AuthenticatedDevice(*row)
