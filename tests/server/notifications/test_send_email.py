"""send_email: rendered from its three templates, delivered over real SMTP, optional categories
only after opting in (with RFC 8058 headers), retried while the SMTP server refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import TemplateDoesNotExist
from server_testkit import World

from tests.smtp_sink import SmtpSink, html_body, text_body
from worklens_server.notifications.services import send_email, set_email_preferences

pytestmark = pytest.mark.django_db


def _announcement(subject: str = "WorkLens 2.0") -> dict[str, object]:
    return {"subject": subject, "text": "Reports load <twice> as fast."}


def test_transactional_mail_arrives_with_text_and_html(smtp: SmtpSink, world: World) -> None:
    send_email(
        to="someone@example.com",
        template="allauth_message",
        context={"subject": "Your password was changed", "body": "Hello <Sam>", "body_html": ""},
    )

    [message] = smtp.wait_for("someone@example.com")
    assert message["Subject"] == "Your password was changed"
    assert message["From"] == "worklens@localhost"
    assert text_body(message).strip() == "Hello <Sam>"
    assert "Hello &lt;Sam&gt;" in html_body(message)
    assert message["List-Unsubscribe"] is None


def test_optional_mail_is_not_sent_before_opting_in(smtp: SmtpSink, world: World) -> None:
    user = world.employee.user
    send_email(
        to=user.email, template="announcement", context=_announcement(), category="product_news"
    )
    send_email(
        to="stranger@example.com",
        template="announcement",
        context=_announcement(),
        category="product_news",
    )

    set_email_preferences(user=user, opted_in={"product_news"})
    send_email(
        to=user.email,
        template="announcement",
        context=_announcement("Opted in"),
        category="product_news",
    )

    [message] = smtp.wait_for(user.email)
    assert message["Subject"] == "Opted in"
    assert smtp.received_by("stranger@example.com") == []
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert unsubscribe[1:-1] in text_body(message)
    assert "Reports load &lt;twice&gt; as fast." in html_body(message)


def test_opting_in_to_one_category_does_not_send_another(smtp: SmtpSink, world: World) -> None:
    user = world.employee.user
    set_email_preferences(user=user, opted_in={"new_features"})
    send_email(
        to=user.email, template="announcement", context=_announcement(), category="product_news"
    )
    send_email(
        to=user.email,
        template="announcement",
        context=_announcement("Feature"),
        category="new_features",
    )
    [message] = smtp.wait_for(user.email)
    assert message["Subject"] == "Feature"


def test_bad_calls_are_refused_where_they_are_made(world: World) -> None:
    with pytest.raises(ValueError, match="unknown e-mail category 'spam'"):
        send_email(to="a@example.com", template="announcement", context={}, category="spam")
    with pytest.raises(TemplateDoesNotExist):
        send_email(to="a@example.com", template="no_such_mail", context={})
    with pytest.raises(TypeError, match="JSON-serialisable"):
        send_email(to="a@example.com", template="announcement", context={"user": world.owner})


def test_refused_delivery_is_retried_until_it_arrives(
    smtp: SmtpSink, settings: Any, world: World
) -> None:
    smtp.refuse_first = 2
    send_email(to="retry@example.com", template="announcement", context=_announcement())

    [message] = smtp.wait_for("retry@example.com")
    assert smtp.refused == 2
    assert message["Subject"] == "WorkLens 2.0"


def test_delivery_gives_up_after_the_last_attempt(
    smtp: SmtpSink, settings: Any, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    settings.WORKLENS_EMAIL_MAX_ATTEMPTS = 3
    smtp.refuse_first = 5
    send_email(to="lost@example.com", template="announcement", context=_announcement())

    assert smtp.refused == 3
    assert smtp.received_by("lost@example.com") == []
    assert "failed 3 times, giving up" in caplog.text
