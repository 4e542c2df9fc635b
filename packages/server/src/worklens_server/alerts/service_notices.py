"""The service failure notice: the owners of every company are told, once per incident, that the
server's task worker has stopped running tasks or that e-mail delivery keeps failing (for longer
than WORKLENS_TASK_STALL_MINUTES), since their e-mail, alerts included, is then not going out.

The notice is sent at once by `check_alerts` itself, not queued: the queue is what has stopped.
When delivery itself fails the notice may not get through either; it is tried again at each
check until it does or the incident ends, and `check_alerts` fails meanwhile for cron to report
to the operator. Should delivery fail half-way through the owners, those already told are told
again at the next check: a repeated notice beats a missing one.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from worklens_server.alerts.models import ServiceIncident
from worklens_server.companies.models import Member
from worklens_server.notifications.services import send_email_now

logger = logging.getLogger(__name__)

SERVICE_FAILURE = "service_failure"


def record_service_problems(*, problems: dict[str, str], now: dt.datetime) -> None:
    """Closes the incidents that ended, opens new ones, and sends each open one's notice if it
    has not gone out yet."""
    ServiceIncident.objects.filter(closed_at__isnull=True).exclude(kind__in=list(problems)).update(
        closed_at=now
    )
    for kind, detail in problems.items():
        incident = _open_incident(kind=kind, detail=detail, now=now)
        if incident is not None and incident.notified_at is None:
            _notify_owners(incident=incident, now=now)


def _open_incident(*, kind: str, detail: str, now: dt.datetime) -> ServiceIncident | None:
    found = ServiceIncident.objects.filter(kind=kind, closed_at__isnull=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ServiceIncident.objects.create(kind=kind, detail=detail[:500], opened_at=now)
    except IntegrityError:  # a check running at the same time opened it: that one notifies
        return None


def _notify_owners(*, incident: ServiceIncident, now: dt.datetime) -> None:
    owners = (
        Member.objects.filter(role=Member.Role.OWNER, user__is_active=True)
        .select_related("user", "company")
        .order_by("user__email", "company__name")
    )
    try:
        for address, companies in _companies_by_owner(owners).items():
            send_email_now(
                to=address,
                template=SERVICE_FAILURE,
                context={
                    "problem": incident.get_kind_display(),
                    "detail": incident.detail,
                    "since": f"{incident.opened_at:%Y-%m-%d %H:%M} UTC",
                    "companies": ", ".join(companies),
                },
            )
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("the service failure notice could not be sent yet: %s", error)
        return
    # Claimed by an update, so a check running at the same time does not record it twice.
    ServiceIncident.objects.filter(pk=incident.pk, notified_at__isnull=True).update(notified_at=now)


def _companies_by_owner(owners: Iterable[Member]) -> dict[str, list[str]]:
    """One notice per person, naming each company they own on this server."""
    found: dict[str, list[str]] = {}
    for owner in owners:
        found.setdefault(owner.user.email, []).append(owner.company.name)
    return found
