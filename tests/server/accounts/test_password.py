"""Every password change, by the form or by a reset link, is confirmed by e-mail."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from server_testkit import World

from tests.smtp_sink import SmtpSink, text_body

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "another long passphrase"


def test_changing_the_password_sends_a_confirmation(
    api: Client, world: World, smtp: SmtpSink
) -> None:
    api.post("/accounts/login/", {"login": "employee@acme.example", "password": PASSWORD})

    response = api.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    [message] = smtp.wait_for("employee@acme.example")
    assert "Password Changed" in str(message["Subject"])
    assert "password" in text_body(message).lower()
    world.employee.user.refresh_from_db()
    assert world.employee.user.check_password(NEW_PASSWORD)


def test_wrong_old_password_changes_nothing_and_sends_nothing(
    api: Client, world: World, smtp: SmtpSink
) -> None:
    api.force_login(world.employee.user)
    response = api.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    assert smtp.received_by("employee@acme.example") == []


def test_reset_by_link_then_confirmation(world: World, smtp: SmtpSink) -> None:
    browser = Client()
    browser.post("/accounts/password/reset/", {"email": "employee@acme.example"})
    [reset_mail] = smtp.wait_for("employee@acme.example")
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", text_body(reset_mail))
    assert match, text_body(reset_mail)

    form = browser.get(match.group(1), follow=True)
    assert form.status_code == 200
    response = browser.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302

    messages = smtp.wait_for("employee@acme.example", count=2)
    assert "Password Reset" in str(messages[1]["Subject"])
    world.employee.user.refresh_from_db()
    assert world.employee.user.check_password(NEW_PASSWORD)
