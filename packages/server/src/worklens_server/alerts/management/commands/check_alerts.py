"""`worklens-server check_alerts`: opens and closes alert incidents (mailing managers once per new
incident); when the task worker has stopped running the queue or e-mail delivery keeps failing,
tells the owners once and fails, for cron to tell the operator. Run it from cron every minute
(docs/operating.md); running it more often or twice at once mails nothing twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from worklens_server.alerts.queue_health import describe_queue_problems
from worklens_server.alerts.service_notices import record_service_problems
from worklens_server.alerts.services import check_alerts


class Command(BaseCommand):
    help = "Check every company's alert conditions, and that the task worker is running."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        outcome = check_alerts(now=now)
        self.stdout.write(f"alerts: {outcome.opened} opened, {outcome.closed} closed")
        problems = describe_queue_problems(now=now, minutes=settings.WORKLENS_TASK_STALL_MINUTES)
        record_service_problems(problems=problems, now=now)
        if problems:
            raise CommandError("; ".join(problems.values()))
