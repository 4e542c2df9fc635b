"""The service failure notice: when the task worker has stopped running the queue, or e-mail
delivery has kept failing, for longer than WORKLENS_TASK_STALL_MINUTES, `check_alerts` sends the
owners a notice straight over SMTP (not queued: the queue is what stopped), once per incident,
and fails, for cron to tell the operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from alerts_kit import check
from django.core.management import CommandError, call_command
from django.utils import timezone
from server_testkit import EnrolledDevice, World
from time_machine import TimeMachineFixture

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.alerts.models import ServiceIncident
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

    assert smtp.messages == []

    for _ in range(3):  # 12:16, 12:17, 12:18: one incident, one notice to each owner
        time_machine.shift(dt.timedelta(minutes=1) if smtp.messages else dt.timedelta(minutes=2))
        with pytest.raises(CommandError, match=r"task worker is not running tasks: 1 waiting"):
            check()
    notices = {str(m["To"]): str(m["Subject"]) for m in smtp.messages}
    assert notices == {
        world.owner.user.email: "WorkLens service failure: Task worker not running",
        world.outsider_owner.user.email: "WorkLens service failure: Task worker not running",
    }
    assert "Acme" in text_body(smtp.received_by(world.owner.user.email)[0])
    assert "Acme" not in text_body(smtp.received_by(world.outsider_owner.user.email)[0])
    [incident] = ServiceIncident.objects.all()
    assert incident.notified_at is not None
    assert incident.closed_at is None

    call_command("db_worker", "--batch", "--max-tasks=10", stdout=None)
    assert len(smtp.received_by(world.manager.user.email)) == 1  # the alert, late
    check()  # the queue is empty again: the incident ends, nothing more is sent
    assert len(smtp.messages) == 3
    assert ServiceIncident.objects.get().closed_at is not None


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


def test_mail_the_smtp_server_refuses_for_longer_than_the_setting_fails_the_check(
    smtp: SmtpSink, world: World, device: EnrolledDevice, time_machine: TimeMachineFixture
) -> None:
    """The worker runs (every task it can run, it runs) but the SMTP server answers 451 to every
    attempt: after 15 minutes of that, the check says so."""
    smtp.refuse_first = 1000
    check()  # the not-tracking alert's mail is queued
    for _ in range(3):  # the worker tries at 12:00, 12:04 and 12:08 (retries after 1, 2 min)
        call_command("db_worker", "--batch", "--max-tasks=10", stdout=None)
        time_machine.shift(dt.timedelta(minutes=4))
        check()  # failing for 4, 8, 12 minutes: not yet too long
    assert smtp.refused == 3
    time_machine.shift(dt.timedelta(minutes=4))  # the first failure was 16 minutes ago
    with pytest.raises(CommandError, match=r"e-mail delivery is failing: 1 message\(s\) waiting"):
        check()
    [incident] = ServiceIncident.objects.all()
    assert incident.kind == "mail"
    assert incident.notified_at is None  # the notice could not get through either
    assert smtp.messages == []

    smtp.refuse_first = smtp.refused  # the SMTP server recovers
    time_machine.shift(dt.timedelta(minutes=1))
    with pytest.raises(CommandError, match="e-mail delivery is failing"):
        check()
    assert sorted(str(m["To"]) for m in smtp.messages) == [
        world.outsider_owner.user.email,
        world.owner.user.email,
    ]
    assert ServiceIncident.objects.get().notified_at is not None

    smtp.refuse_first = 0
    time_machine.shift(dt.timedelta(minutes=10))  # past the next retry's time
    call_command("db_worker", "--batch", "--max-tasks=10", stdout=None)
    assert [m["Subject"] for m in smtp.received_by(world.manager.user.email)] == [
        "Not tracking: Eli Employee"
    ]
    check()
    assert len(smtp.messages) == 3  # no second notice
    assert ServiceIncident.objects.get().closed_at is not None
