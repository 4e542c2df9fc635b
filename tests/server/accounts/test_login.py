"""Logging in to the dashboard with django-allauth: e-mail and password, no username."""

from __future__ import annotations

import pytest
from django.test import Client
from server_testkit import World

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_login_with_email_and_password_reaches_team_today(api: Client, world: World) -> None:
    page = api.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="login"' in page.content.decode()
    assert "username" not in page.content.decode().lower()

    response = api.post(
        "/accounts/login/", {"login": "OWNER@acme.example", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/team/today/"
    assert "Team today" in response.content.decode()


def test_wrong_password_is_refused(api: Client, world: World) -> None:
    response = api.post("/accounts/login/", {"login": "owner@acme.example", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in api.session
    assert "not correct" in response.content.decode()


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    assert world.owner.user.password.startswith("argon2")
