"""Failed logins are throttled per account; the right password works after the lockout."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from server_testkit import World

from worklens_server.accounts.ratelimits import login_failed_rate

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKOUT_SECONDS = 5


def _login(client: Client, password: str) -> Any:
    return client.post("/accounts/login/", {"login": "owner@acme.example", "password": password})


def test_twenty_wrong_passwords_lock_the_account_until_the_window_passes(
    settings: Any, world: World
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        "login_failed": login_failed_rate(lockout_seconds=LOCKOUT_SECONDS)
    }
    # Twenty attempts fit well inside one window even on a busy machine: the server tests hash
    # with the quick Argon2 of conftest.py (the default costs about a second per check there).
    client = Client()
    answers = [_login(client, "wrong 0").content.decode()]
    # The first failure was recorded before its answer came back: the lockout ends at the latest
    # one window after this moment.
    first_failure_answered = time.monotonic()
    answers += [_login(client, f"wrong {attempt}").content.decode() for attempt in range(1, 20)]

    assert "not correct" in answers[0]
    assert "Too many failed login attempts" in answers[-1]
    assert sum("Too many failed login attempts" in answer for answer in answers) >= 15

    refused = _login(client, PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    time.sleep(max(0.0, LOCKOUT_SECONDS + 0.5 - (time.monotonic() - first_failure_answered)))
    accepted = _login(client, PASSWORD)
    assert accepted.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", accepted.content.decode()
    )
    assert client.session["_auth_user_id"] == str(world.owner.user.pk)


def test_default_lockout_window_comes_from_settings(settings: Any) -> None:
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == login_failed_rate(
        lockout_seconds=settings.WORKLENS_LOGIN_LOCKOUT_SECONDS
    )
