"""Enrolled devices and the one-time codes that enroll them.

Secrets (device tokens, enrollment codes) are stored as SHA-256 hashes only: they are long random
strings, so a plain hash is enough to make a leaked database useless for impersonating a device,
and it can be looked up by index on every request (a slow password hash could not).
"""

from __future__ import annotations

import uuid

from django.db import models

from worklens_server.companies.models import Company, Member


def _empty_list() -> list[object]:
    return []


class Device(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="devices")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="devices")
    token_hash = models.CharField(max_length=64, unique=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    installation_id = models.UUIDField()
    hostname = models.CharField(max_length=255, blank=True)
    hardware_model = models.CharField(max_length=255, blank=True)
    os_name = models.CharField(max_length=64)
    os_version = models.CharField(max_length=255, blank=True)
    machine_id_hash = models.CharField(max_length=64)
    timezone = models.CharField(max_length=64)
    agent_version = models.CharField(max_length=32)
    dotnet_versions = models.JSONField(default=_empty_list, blank=True)
    #: The wire's CaptureSource list: which kinds of capture work on the device, and why not.
    sources = models.JSONField(default=_empty_list, blank=True)
    #: Set by the agent's uninstall event, cleared by a later install event.
    uninstalled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.hostname or self.id} of {self.member}"


class EnrollmentCode(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="enrollment_codes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="enrollment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    device = models.OneToOneField(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollment_code"
    )

    def __str__(self) -> str:
        return f"enrollment code for {self.member}"


def _empty_dict() -> dict[str, object]:
    return {}


class DeviceEvent(models.Model):
    """One entry in a device's history. Install and uninstall events come from the agent with its
    own UUIDv7 id, which is the primary key, so a re-sent event is stored once (the insert is
    `ON CONFLICT DO NOTHING`, not a read first); the server writes the others."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", "enrolled"
        INSTALL = "install", "installed"
        UNINSTALL = "uninstall", "uninstalled"
        INFO_CHANGED = "info_changed", "device information changed"

    id = models.UUIDField(primary_key=True, editable=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: When it happened: the agent's clock for agent events, the server's for the others.
    at = models.DateTimeField()
    received_at = models.DateTimeField()
    #: install/uninstall: the agent version and the event's details; info_changed: for each
    #: changed field, {"from": old, "to": new}.
    details = models.JSONField(default=_empty_dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["device", "at"], name="devices_event_device_at")]

    def __str__(self) -> str:
        return f"{self.kind} of device {self.device_id} at {self.at:%Y-%m-%d %H:%M}"
