"""Is the task worker running the queue, and is mail getting through? A task that could have run
minutes ago but still waits means no `db_worker` is working (stopped, crashed, or stuck), so no
e-mail goes out at all. A delivery retry queued minutes ago and not yet delivered means the SMTP
server has been refusing (or unreachable) at least that long: a retry is queued only when an
attempt fails, and its successor only when it fails again.

Neither can be told by e-mail: that mail would wait in the same queue, or fail the same way.
`check_alerts`, run by cron, fails with these messages instead, and cron hands a failing job's
output to the operator (its MAILTO goes through the host's own mail system, not WorkLens's).
"""

from __future__ import annotations

import datetime as dt

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from worklens_server.notifications.tasks import deliver_email

WORKER = "worker"
MAIL = "mail"


def describe_queue_problems(*, now: dt.datetime, minutes: int) -> dict[str, str]:
    """What is wrong with the worker (WORKER) and the mail it delivers (MAIL), in words."""
    found = {
        WORKER: _describe_stalled_queue(now=now, minutes=minutes),
        MAIL: _describe_failing_mail(now=now, minutes=minutes),
    }
    return {kind: problem for kind, problem in found.items() if problem is not None}


def _describe_failing_mail(*, now: dt.datetime, minutes: int) -> str | None:
    """Retries are few (one per message being retried), so their times are compared here rather
    than as JSON in SQL, where SQLite and PostgreSQL compare differently."""
    cutoff = now - dt.timedelta(minutes=minutes)
    since = [
        dt.datetime.fromisoformat(str(kwargs["failing_since"]))
        for kwargs in DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            task_path=deliver_email.module_path,
            args_kwargs__kwargs__has_key="failing_since",
        ).values_list("args_kwargs__kwargs", flat=True)
        if isinstance(kwargs, dict) and kwargs.get("failing_since")
    ]
    failing = sorted(moment for moment in since if moment < cutoff)
    if not failing:
        return None
    count, oldest = len(failing), failing[0]
    return (
        f"e-mail delivery is failing: {count} message(s) waiting for another attempt, the first "
        f"failure {oldest.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC; the worker's log says what "
        "the SMTP server answered"
    )


def _describe_stalled_queue(*, now: dt.datetime, minutes: int) -> str | None:
    """Why the queue looks stalled, or None when every waiting task is younger than `minutes`
    (or waits for its own later time, as an e-mail retry does)."""
    cutoff = now - dt.timedelta(minutes=minutes)
    stalled = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, enqueued_at__lt=cutoff
    ).exclude(run_after__gte=cutoff, run_after__lt=get_date_max())
    count = stalled.count()
    if not count:
        return None
    oldest = stalled.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    assert oldest is not None
    return (
        f"the task worker is not running tasks: {count} waiting for more than {minutes} minutes, "
        f"the oldest since {oldest:%Y-%m-%d %H:%M} UTC; is `worklens-server db_worker` running?"
    )
