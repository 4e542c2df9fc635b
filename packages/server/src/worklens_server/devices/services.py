"""Writes for devices: issue enrollment codes, enroll, revoke, update device info."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from worklens_server.companies.models import Member
from worklens_server.devices.models import Device, EnrollmentCode
from worklens_wire.v1 import DeviceInfo

ENROLLMENT_CODE_LIFETIME = dt.timedelta(days=7)
# Crockford-style alphabet: no 0/O, 1/I/L, so a code read aloud or typed survives.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


class EnrollmentRefused(Exception):
    """The code cannot enroll a device; the message says why."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_enrollment_code(code: str) -> str:
    return code.strip().upper()


@dataclass(frozen=True)
class IssuedCode:
    """A code as shown once to its member: the code itself and when it stops working."""

    code: str
    expires_at: dt.datetime


def issue_enrollment(
    *, member: Member, lifetime: dt.timedelta = ENROLLMENT_CODE_LIFETIME
) -> IssuedCode:
    """A fresh one-time code for `member`; only its hash is stored, so it is shown once."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    expires_at = timezone.now() + lifetime
    EnrollmentCode.objects.create(
        company_id=member.company_id,
        member=member,
        code_hash=hash_secret(code),
        expires_at=expires_at,
    )
    return IssuedCode(code=code, expires_at=expires_at)


def issue_enrollment_code(
    *, member: Member, lifetime: dt.timedelta = ENROLLMENT_CODE_LIFETIME
) -> str:
    return issue_enrollment(member=member, lifetime=lifetime).code


@dataclass(frozen=True)
class Enrollment:
    device: Device
    token: str


def _device_fields(info: DeviceInfo) -> dict[str, object]:
    return {
        "installation_id": info.installation_id,
        "hostname": info.hostname,
        "hardware_model": info.hardware_model,
        "os_name": info.os_name,
        "os_version": info.os_version,
        "machine_id_hash": info.machine_id_hash,
        "timezone": info.timezone,
        "agent_version": info.agent_version,
        "dotnet_versions": list(info.dotnet_versions),
        "sources": [source.model_dump() for source in info.sources],
    }


@transaction.atomic
def enroll_device(*, code: str, info: DeviceInfo) -> Enrollment:
    """Spend the code (a conditional UPDATE, so two devices racing for one code cannot both win)
    and create the device with a fresh token."""
    now = timezone.now()
    code_hash = hash_secret(normalize_enrollment_code(code))
    claimed = EnrollmentCode.objects.filter(
        code_hash=code_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        existing = EnrollmentCode.objects.filter(code_hash=code_hash).first()
        if existing is None:
            raise EnrollmentRefused("enrollment code is invalid")
        if existing.used_at is not None:
            raise EnrollmentRefused("enrollment code is already used")
        raise EnrollmentRefused("enrollment code is expired")
    enrollment_code = EnrollmentCode.objects.select_related("member").get(code_hash=code_hash)
    token = "wl_" + secrets.token_urlsafe(32)
    device = Device.objects.create(
        company_id=enrollment_code.company_id,
        member=enrollment_code.member,
        token_hash=hash_secret(token),
        last_seen_at=now,
        **_device_fields(info),
    )
    enrollment_code.device = device
    enrollment_code.save(update_fields=["device"])
    return Enrollment(device=device, token=token)


def update_device_info(*, device_id: uuid.UUID, info: DeviceInfo) -> None:
    Device.objects.filter(pk=device_id).update(last_seen_at=timezone.now(), **_device_fields(info))


def revoke_device(*, device: Device) -> None:
    """After this the device's token is refused with 401; its data stays."""
    Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def mark_device_seen(*, device_id: uuid.UUID) -> None:
    Device.objects.filter(pk=device_id).update(last_seen_at=timezone.now())
