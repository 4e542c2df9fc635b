"""`worklens-server check_alerts`: opens and closes alert incidents (mailing managers once per new
incident) and fails when the task worker has stopped running the queue. Run it from cron every
minute (docs/operating.md); running it more often or twice at once mails nothing twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from worklens_server.alerts.queue_health import describe_stalled_queue
from worklens_server.alerts.services import check_alerts


class Command(BaseCommand):
    help = "Check every company's alert conditions, and that the task worker is running."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        outcome = check_alerts(now=now)
        self.stdout.write(f"alerts: {outcome.opened} opened, {outcome.closed} closed")
        stalled = describe_stalled_queue(now=now, minutes=settings.WORKLENS_TASK_STALL_MINUTES)
        if stalled is not None:
            raise CommandError(stalled)
