"""`check_alerts` fails, for cron to tell the operator, when the task worker has stopped running
the queue: e-mail (alerts among it) waits there, so e-mail cannot say so."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alerts_kit import check
from django.core.management import CommandError, call_command
from django.utils import timezone
from server_testkit import EnrolledDevice, World
from time_machine import TimeMachineFixture

from tests.smtp_sink import SmtpSink
from worklens_server.notifications.tasks import deliver_email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_queue(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.WORKLENS_TASK_STALL_MINUTES = 15


def test_mail_waiting_longer_than_the_setting_fails_the_check_until_a_worker_runs(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    check()  # 12:00: the employee has not tracked since 10:00; the alert's mail is queued
    assert smtp.messages == []
    time_machine.shift(dt.timedelta(minutes=14))
    check()

    time_machine.shift(dt.timedelta(minutes=2))
    with pytest.raises(CommandError, match=r"task worker is not running tasks: 1 waiting"):
        check()

    call_command("db_worker", "--batch", "--max-tasks=10", stdout=None)
    assert [m["Subject"] for m in smtp.messages] == ["Not tracking: Eli Employee"]
    check()  # the queue is empty again, and the open incident sends nothing more
    assert len(smtp.messages) == 1


def test_a_retry_waiting_for_its_time_is_not_a_stalled_worker(
    world: World, time_machine: TimeMachineFixture
) -> None:
    deliver_email.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(
        to="someone@acme.example",
        template="announcement",
        context={"subject": "Hello", "text": "again"},
        category="transactional",
        user_id=None,
        unsubscribe_token="",
        attempt=5,
    )
    time_machine.shift(dt.timedelta(minutes=30))
    check()
    time_machine.shift(dt.timedelta(minutes=46))  # 16 minutes past its time: stalled now
    with pytest.raises(CommandError, match="task worker is not running tasks"):
        check()
