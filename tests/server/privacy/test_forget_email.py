"""Deleting people deletes the e-mail tasks addressed to them: the task queue (django-tasks'
database backend) keeps each message's address and context (links, names) after delivery, and
would keep them after the company is cancelled or the account deleted. A delivery the worker is
running is left to finish; e-mail to anyone else stays."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from server_testkit import World

from worklens_server.invitations.services import invite_member_by
from worklens_server.notifications.services import send_email
from worklens_server.privacy.deletion import cancel_company, delete_own_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_queue(settings: Any) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def _queue(to: str, status: TaskResultStatus) -> None:
    before = set(DBTaskResult.objects.values_list("id", flat=True))
    send_email(
        to=to,
        template="announcement",
        context={"subject": "Welcome", "text": f"https://worklens.example/for/{to}"},
    )
    [row] = DBTaskResult.objects.exclude(id__in=before)
    row.status = status
    row.save(update_fields=["status"])


def _addressed_to() -> list[tuple[str, str]]:
    return sorted(
        (row.args_kwargs["kwargs"]["to"], row.status) for row in DBTaskResult.objects.all()
    )


def test_cancelling_the_company_forgets_the_email_of_the_people_who_leave(world: World) -> None:
    _queue(world.owner.user.email, TaskResultStatus.SUCCESSFUL)
    _queue(world.employee.user.email, TaskResultStatus.FAILED)
    _queue(world.manager.user.email, TaskResultStatus.READY)
    _queue(world.loner.user.email, TaskResultStatus.RUNNING)
    _queue(world.outsider_owner.user.email, TaskResultStatus.SUCCESSFUL)

    report = cancel_company(company=world.company, requested_by=world.owner)

    assert _addressed_to() == sorted(
        [
            (world.loner.user.email, TaskResultStatus.RUNNING),
            (world.outsider_owner.user.email, TaskResultStatus.SUCCESSFUL),
        ]
    )
    assert report.rows[DBTaskResult._meta.label] == 3


def test_deleting_an_account_forgets_its_email_and_no_one_elses(world: World) -> None:
    _queue(world.employee.user.email, TaskResultStatus.SUCCESSFUL)
    _queue(world.employee.user.email, TaskResultStatus.READY)
    _queue(world.owner.user.email, TaskResultStatus.SUCCESSFUL)

    report = delete_own_account(user=world.employee.user)

    assert _addressed_to() == [(world.owner.user.email, TaskResultStatus.SUCCESSFUL)]
    assert report.rows[DBTaskResult._meta.label] == 2


def test_cancelling_the_company_forgets_the_invitations_of_people_without_an_account(
    world: World,
) -> None:
    before = set(DBTaskResult.objects.values_list("id", flat=True))
    invite_member_by(
        actor=world.owner,
        email="never.signed.up@elsewhere.example",
        role="employee",
        team=None,
        site_url="https://worklens.example",
    )
    invitation_task = DBTaskResult.objects.exclude(id__in=before).get()
    assert invitation_task.args_kwargs["kwargs"]["to"] == "never.signed.up@elsewhere.example"
    _queue(world.outsider_owner.user.email, TaskResultStatus.SUCCESSFUL)

    cancel_company(company=world.company, requested_by=world.owner)

    assert _addressed_to() == [(world.outsider_owner.user.email, TaskResultStatus.SUCCESSFUL)]
