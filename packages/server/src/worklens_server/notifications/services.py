"""Writes for notifications: sending e-mail and recording what a person wants to receive."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection

from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from worklens_server.accounts.models import User
from worklens_server.accounts.selectors import get_user_by_email
from worklens_server.notifications.categories import (
    TRANSACTIONAL,
    is_known_category,
    optional_category_slugs,
)
from worklens_server.notifications.messages import build_message, check_templates_exist
from worklens_server.notifications.models import EmailOptIn
from worklens_server.notifications.selectors import wants_email
from worklens_server.notifications.tasks import deliver_email
from worklens_server.notifications.tokens import make_unsubscribe_token, read_unsubscribe_token

logger = logging.getLogger(__name__)


def send_email(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    category: str = TRANSACTIONAL,
    user: User | None = None,
) -> None:
    """Queues `notifications/<template>/` for `to`; the task worker renders and sends it.

    `context` must be JSON-serialisable (it is stored with the task). Optional categories go
    only to a person who opted in, with an unsubscribe link and RFC 8058 headers.
    """
    if not is_known_category(category):
        raise ValueError(f"unknown e-mail category {category!r}")
    check_templates_exist(template)
    try:
        json.dumps(context)
    except TypeError as error:
        raise TypeError(
            f"the context of e-mail {template!r} must be JSON-serialisable: {error}"
        ) from error
    if category != TRANSACTIONAL and user is None:
        user = get_user_by_email(email=to)
    if not wants_email(user=user, category=category):
        logger.info("not sending %s to %s: not opted in to %s", template, to, category)
        return
    token = ""
    if category != TRANSACTIONAL:
        assert user is not None  # wants_email is False for an unknown person
        token = make_unsubscribe_token(user_id=user.pk, category=category)
    deliver_email.enqueue(
        to=to,
        template=template,
        context=context,
        category=category,
        user_id=user.pk if user is not None else None,
        unsubscribe_token=token,
    )


def send_email_now(*, to: str, template: str, context: dict[str, object]) -> None:
    """Sends a transactional e-mail at once, in this process, not through the task queue: for
    the notice that the queue's worker has stopped. Raises what the SMTP connection raises."""
    check_templates_exist(template)
    build_message(
        to=to, template=template, context=context, category=TRANSACTIONAL, unsubscribe_token=""
    ).send()


def forget_email_to(*, addresses: Collection[str]) -> tuple[int, dict[str, int]]:
    """Deletes the e-mail tasks addressed to `addresses` (people whose accounts are being
    deleted): delivered or given up on, their rows would keep the address and the message's
    context (links, names) in the task queue indefinitely; still waiting, they would write to
    someone who no longer has an account. A delivery the worker is running now is left to
    finish. Returns what `QuerySet.delete()` returns."""
    if not addresses:
        return 0, {}
    return (
        DBTaskResult.objects.filter(
            task_path=deliver_email.module_path, args_kwargs__kwargs__to__in=list(addresses)
        )
        .exclude(status=TaskResultStatus.RUNNING)
        .delete()
    )


@transaction.atomic
def set_email_preferences(*, user: User, opted_in: set[str]) -> None:
    """Opt in to exactly `opted_in` among the optional categories (unknown names are refused)."""
    unknown = opted_in - optional_category_slugs()
    if unknown:
        raise ValueError(f"unknown e-mail categories: {', '.join(sorted(unknown))}")
    EmailOptIn.objects.filter(user=user).exclude(category__in=opted_in).delete()
    for category in opted_in:
        EmailOptIn.objects.get_or_create(user=user, category=category)


def unsubscribe(*, token: str) -> str | None:
    """Opts the token's person out of its category; the category, or None for a bad token."""
    request = read_unsubscribe_token(token)
    if request is None:
        return None
    EmailOptIn.objects.filter(user_id=request.user_id, category=request.category).delete()
    return request.category
