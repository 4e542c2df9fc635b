"""Writes for devices: issue enrollment codes, enroll, revoke, update device info."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from worklens_server.companies.models import Member
from worklens_server.devices.hashing import hash_secret
from worklens_server.devices.models import Device, DeviceEvent, EnrollmentCode
from worklens_wire import new_id
from worklens_wire.v1 import DeviceEventsAck, DeviceEventsUpload, DeviceInfo

ENROLLMENT_CODE_LIFETIME = dt.timedelta(days=7)
# Crockford-style alphabet: no 0/O, 1/I/L, so a code read aloud or typed survives.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


class EnrollmentRefused(Exception):
    """The code cannot enroll a device; the message says why."""


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
    DeviceEvent.objects.create(
        id=new_id(),
        device=device,
        kind=DeviceEvent.Kind.ENROLLED,
        at=now,
        received_at=now,
        details={"member_id": str(enrollment_code.member_id), **_history_fields(info)},
    )
    return Enrollment(device=device, token=token)


def _history_fields(info: DeviceInfo) -> dict[str, Any]:
    """The device fields as JSON values, as the history keeps them."""
    fields = _device_fields(info)
    fields["installation_id"] = str(info.installation_id)
    return fields


@transaction.atomic
def update_device_info(*, device_id: uuid.UUID, info: DeviceInfo) -> None:
    """Store the device's current information; when any of it differs from what was stored,
    keep an `info_changed` history row naming each changed field, old and new value."""
    now = timezone.now()
    new = _history_fields(info)
    stored = Device.objects.select_for_update().filter(pk=device_id).values(*new.keys()).first()
    if stored is None:
        return
    stored["installation_id"] = str(stored["installation_id"])
    changed = {
        name: {"from": stored[name], "to": value}
        for name, value in new.items()
        if stored[name] != value
    }
    Device.objects.filter(pk=device_id).update(last_seen_at=now, **_device_fields(info))
    if changed:
        DeviceEvent.objects.create(
            id=new_id(),
            device_id=device_id,
            kind=DeviceEvent.Kind.INFO_CHANGED,
            at=now,
            received_at=now,
            details=changed,
        )


_INSERT_EVENT_SQL = (
    "INSERT INTO devices_deviceevent (id, device_id, kind, at, received_at, details) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING"
)


def _event_row(*values: tuple[str, object]) -> list[Any]:
    """Column values as the database stores them (UUIDs as hex on SQLite, JSON as text...)."""
    field = DeviceEvent._meta.get_field
    return [
        field(name).get_db_prep_value(value, connection, prepared=False)  # type: ignore[union-attr]
        for name, value in values
    ]


@transaction.atomic
def record_device_events(*, device_id: uuid.UUID, upload: DeviceEventsUpload) -> DeviceEventsAck:
    """Store the agent's install/uninstall events, each once: the insert is
    `ON CONFLICT (id) DO NOTHING` and its row count says whether it was new. Only new events move
    the device's `uninstalled_at`, so a re-sent old install cannot undo a later uninstall."""
    now = timezone.now()
    stored = 0
    with connection.cursor() as cursor:
        for event in upload.events:
            details = {"agent_version": event.agent_version, **event.details}
            row = _event_row(
                ("id", event.id),
                ("device", device_id),
                ("kind", event.kind),
                ("at", event.at),
                ("received_at", now),
                ("details", details),
            )
            cursor.execute(_INSERT_EVENT_SQL, row)
            if cursor.rowcount != 1:
                continue
            stored += 1
            devices = Device.objects.filter(pk=device_id)
            if event.kind == "uninstall":
                devices.update(uninstalled_at=event.at)
            else:
                devices.filter(uninstalled_at__lt=event.at).update(uninstalled_at=None)
    Device.objects.filter(pk=device_id).update(last_seen_at=now)
    received = len(upload.events)
    return DeviceEventsAck(received=received, stored=stored, duplicates=received - stored)


def revoke_device(*, device: Device) -> None:
    """After this the device's token is refused with 401; its data stays."""
    Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def mark_device_seen(*, device_id: uuid.UUID, at: dt.datetime | None = None) -> None:
    """The device was heard from `at` (now unless given: the demo's history says when its
    devices uploaded, or every one of them would look online)."""
    Device.objects.filter(pk=device_id).update(last_seen_at=at or timezone.now())
