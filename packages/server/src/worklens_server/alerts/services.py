"""Writes for alerts: the periodic check that opens and closes incidents and mails each new one
once, and the company's alert settings.

The check compares what holds now (`conditions.find_conditions`) with the open incidents: a
condition without an open row opens one and mails the member's managers; an open row whose
condition no longer holds (cleared, out of working hours, or its kind switched off) is closed.
Run every minute, it mails nothing new while an incident stays open, so a manager gets one
e-mail per incident, not one per check. No "resolved" mail is sent: the incident disappears
from Team today, and a second mail per incident would double what a manager reads for news
that needs no action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from worklens_server.alerts.conditions import Key, find_conditions
from worklens_server.alerts.models import Alert, AlertSettings
from worklens_server.alerts.selectors import managers_of
from worklens_server.companies.models import Company, Member
from worklens_server.notifications.services import send_email
from worklens_server.tracking.local_days import zone

ALERT_OPENED = "alert_opened"


@dataclass(frozen=True)
class CheckOutcome:
    opened: int
    closed: int


def check_alerts(*, now: dt.datetime | None = None) -> CheckOutcome:
    """One check of every company."""
    now = now or timezone.now()
    opened = closed = 0
    for company in Company.objects.order_by("pk"):
        outcome = check_company_alerts(company=company, now=now)
        opened += outcome.opened
        closed += outcome.closed
    return CheckOutcome(opened=opened, closed=closed)


def check_company_alerts(*, company: Company, now: dt.datetime) -> CheckOutcome:
    holding = find_conditions(company=company, now=now)
    open_rows = list(Alert.objects.filter(company=company, closed_at__isnull=True))
    cleared = [
        row.pk for row in open_rows if Key(row.member_id, row.device_id, row.kind) not in holding
    ]
    closed = Alert.objects.filter(pk__in=cleared, closed_at__isnull=True).update(closed_at=now)
    already = {Key(row.member_id, row.device_id, row.kind) for row in open_rows}
    opened = 0
    for key, detail in holding.items():
        if key in already:
            continue
        alert = _open(company=company, key=key, detail=detail, now=now)
        if alert is not None:
            opened += 1
            _mail_managers(alert=alert)
    return CheckOutcome(opened=opened, closed=closed)


def _open(*, company: Company, key: Key, detail: str, now: dt.datetime) -> Alert | None:
    """The new incident, or None when a check running at the same time opened it first."""
    try:
        with transaction.atomic():
            return Alert.objects.create(
                company=company,
                member_id=key.member_id,
                device_id=key.device_id,
                kind=key.kind,
                detail=detail[:500],
                opened_at=now,
            )
    except IntegrityError:
        return None


def _mail_managers(*, alert: Alert) -> None:
    member = Member.objects.select_related("user", "company").get(pk=alert.member_id)
    opened = alert.opened_at.astimezone(zone(member.timezone))
    for manager in managers_of(member=member):
        send_email(
            to=manager.user.email,
            template=ALERT_OPENED,
            context={
                "kind": alert.get_kind_display(),
                "member": member.user.display_name,
                "company": member.company.name,
                "detail": alert.detail,
                "opened": f"{opened:%a %d %b %Y %H:%M} ({member.timezone})",
                "member_path": reverse("reports:member_activity", kwargs={"member_id": member.pk}),
                "team_today_path": reverse("reports:team_today"),
            },
        )


def save_alert_settings(*, company: Company, values: dict[str, object]) -> AlertSettings:
    """Stores the owner's choices; incidents of a kind switched off close at the next check."""
    settings, _ = AlertSettings.objects.update_or_create(company=company, defaults=values)
    return settings
