"""Delivery of e-mail by the task worker, retried with backoff while the SMTP server fails.

django-tasks does not retry a failed task by itself, so a failed delivery enqueues its own next
attempt with `run_after` and an attempt counter, and gives up (logged, task failed) after
WORKLENS_EMAIL_MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from worklens_server.accounts.models import User
from worklens_server.notifications.messages import build_message
from worklens_server.notifications.selectors import wants_email

logger = logging.getLogger(__name__)

_MAX_RETRY_DELAY_SECONDS = 3600


class EmailDeliveryFailed(Exception):
    """The SMTP server refused the message for good, or every attempt failed."""


def is_permanent_failure(error: Exception) -> bool:
    """A 5xx answer about the message or its recipients will not change on retry; a refused
    connection, a timeout, a 4xx or a wrong login (which an operator may fix) may."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def retry_delay_seconds(attempt: int) -> float:
    """Backoff after failed attempt number `attempt` (1-based): base, 2x base, 4x base..."""
    base = float(settings.WORKLENS_EMAIL_RETRY_SECONDS)
    return float(min(base * 2 ** (attempt - 1), _MAX_RETRY_DELAY_SECONDS))


@task()
def deliver_email(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    category: str,
    user_id: int | None,
    unsubscribe_token: str,
    attempt: int = 1,
    failing_since: str | None = None,
) -> None:
    """`failing_since` (ISO 8601, UTC) is when the first attempt failed, passed on to each retry,
    so that `check_alerts` can tell how long delivery has been failing."""
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if not wants_email(user=user, category=category):
        logger.info(
            "not sending %s to %s: opted out of %s since it was queued", template, to, category
        )
        return
    message = build_message(
        to=to,
        template=template,
        context=context,
        category=category,
        unsubscribe_token=unsubscribe_token,
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if is_permanent_failure(error):
            logger.error("e-mail %s to %s refused for good: %s", template, to, error)
            raise EmailDeliveryFailed(f"{template} to {to}: {error}") from error
        if attempt >= settings.WORKLENS_EMAIL_MAX_ATTEMPTS:
            logger.error(
                "e-mail %s to %s failed %d times, giving up: %s", template, to, attempt, error
            )
            raise EmailDeliveryFailed(f"{template} to {to}: {attempt} attempts") from error
        delay = retry_delay_seconds(attempt)
        logger.warning(
            "e-mail %s to %s failed (attempt %d), retrying in %.0f s: %s",
            template,
            to,
            attempt,
            delay,
            error,
        )
        next_attempt = deliver_email
        if next_attempt.get_backend().supports_defer:
            next_attempt = next_attempt.using(
                run_after=timezone.now() + dt.timedelta(seconds=delay)
            )
        next_attempt.enqueue(
            to=to,
            template=template,
            context=context,
            category=category,
            user_id=user_id,
            unsubscribe_token=unsubscribe_token,
            attempt=attempt + 1,
            failing_since=failing_since or timezone.now().isoformat(),
        )
