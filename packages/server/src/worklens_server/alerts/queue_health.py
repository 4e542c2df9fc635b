"""Is the task worker running the queue? A task that could have run minutes ago but still waits
means no `db_worker` is working (stopped, crashed, or stuck), so no e-mail goes out at all.

This cannot be told by e-mail: that mail would wait in the same queue. `check_alerts`, run by
cron, fails with this message instead, and cron hands a failing job's output to the operator
(its MAILTO goes through the host's own mail system, not WorkLens's queue).
"""

from __future__ import annotations

import datetime as dt

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


def describe_stalled_queue(*, now: dt.datetime, minutes: int) -> str | None:
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
