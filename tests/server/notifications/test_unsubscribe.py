"""/unsubscribe/<token>/: works without login; the RFC 8058 one-click POST needs no CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from server_testkit import World

from tests.smtp_sink import SmtpSink
from worklens_server.notifications.selectors import get_opted_in_categories
from worklens_server.notifications.services import send_email, set_email_preferences
from worklens_server.notifications.tokens import make_unsubscribe_token

pytestmark = pytest.mark.django_db


def _link_from_received_mail(smtp: SmtpSink, world: World) -> str:
    user = world.employee.user
    set_email_preferences(user=user, opted_in={"product_news", "new_features"})
    send_email(
        to=user.email,
        template="announcement",
        context={"subject": "News", "text": "Hello"},
        category="product_news",
    )
    [message] = smtp.wait_for(user.email)
    return (
        str(message["List-Unsubscribe"]).strip().strip("<>").removeprefix("http://127.0.0.1:8000")
    )


def test_one_click_post_unsubscribes_without_login_or_csrf(smtp: SmtpSink, world: World) -> None:
    path = _link_from_received_mail(smtp, world)
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "no longer receive “Product news”" in response.content.decode()
    assert get_opted_in_categories(user=world.employee.user) == {"new_features"}


def test_get_asks_before_unsubscribing(smtp: SmtpSink, world: World) -> None:
    path = _link_from_received_mail(smtp, world)
    page = Client().get(path)
    assert page.status_code == 200
    assert "Stop receiving “Product news” e-mail?" in page.content.decode()
    assert get_opted_in_categories(user=world.employee.user) == {"product_news", "new_features"}


def test_forged_or_damaged_token_is_refused(world: World) -> None:
    user = world.employee.user
    set_email_preferences(user=user, opted_in={"product_news"})
    token = make_unsubscribe_token(user_id=user.pk, category="product_news")

    response = Client().post(f"/unsubscribe/{token[:-2]}xx/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert get_opted_in_categories(user=user) == {"product_news"}
