"""Alerts: a company's alert settings, and one row per incident.

An incident is one `Alert` row, opened when its condition starts to hold and closed when it no
longer does. At most one open row per (member, kind) (or per (device, kind) for a device's
alert) is a database constraint, so two checks running at once (an overlapping cron run) cannot
open, and so mail, the same incident twice: the second insert fails and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q

from worklens_server.companies.models import Company, Member
from worklens_server.devices.models import Device


class AlertSettings(models.Model):
    """What a company wants to be alerted about. No row means the defaults below: every kind on,
    Monday to Friday 09:00 to 17:00 in each member's own zone."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="alert_settings"
    )
    #: Python weekday numbers (0 = Monday) of working days, as digits: "01234".
    working_days = models.CharField(max_length=7, default="01234")
    work_starts = models.TimeField(default=dt.time(9, 0))
    work_ends = models.TimeField(default=dt.time(17, 0))
    silent_on = models.BooleanField(default=True)
    silent_minutes = models.PositiveSmallIntegerField(default=30)
    sources_on = models.BooleanField(default=True)
    not_tracking_on = models.BooleanField(default=True)
    not_tracking_by = models.TimeField(default=dt.time(10, 0))
    low_activity_on = models.BooleanField(default=True)
    low_activity_percent = models.PositiveSmallIntegerField(default=20)

    def __str__(self) -> str:
        return f"alert settings of {self.company}"

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(day) for day in self.working_days)


class Alert(models.Model):
    class Kind(models.TextChoices):
        SILENT = "silent", "Agent silent"
        SOURCES = "sources", "Capture failing"
        NOT_TRACKING = "not_tracking", "Not tracking"
        LOW_ACTIVITY = "low_activity", "Low activity"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="alerts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="alerts")
    #: Set for a device's alert (its capture sources); None for the member's.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: What held when it was opened, in words ("last heard from at 09:12").
    detail = models.CharField(max_length=500)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=Q(closed_at__isnull=True, device__isnull=True),
                name="alert_one_open_per_member_kind",
            ),
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=Q(closed_at__isnull=True, device__isnull=False),
                name="alert_one_open_per_device_kind",
            ),
        ]
        indexes = [models.Index(fields=["company", "closed_at"], name="alert_company_closed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.member} at {self.opened_at:%Y-%m-%d %H:%M}"


class ServiceIncident(models.Model):
    """The server's task worker stopped running tasks, or e-mail delivery kept failing, for
    longer than WORKLENS_TASK_STALL_MINUTES (alerts/queue_health.py). One open row per kind;
    `notified_at` is set once the owners' notice went out."""

    class Kind(models.TextChoices):
        WORKER = "worker", "Task worker not running"
        MAIL = "mail", "E-mail delivery failing"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    detail = models.CharField(max_length=500)
    opened_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(closed_at__isnull=True),
                name="service_incident_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.opened_at:%Y-%m-%d %H:%M}"
