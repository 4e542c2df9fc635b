"""/cookies/: the cookies WorkLens sets, read from the settings, linked from every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from server_testkit import World

pytestmark = pytest.mark.django_db


def test_lists_the_cookies_the_service_sets(api: Client) -> None:
    page = api.get("/cookies/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<code>sessionid</code>" in html
    assert "<code>csrftoken</code>" in html
    assert "<code>django_language</code>" in html
    assert "14 days" in html  # SESSION_COOKIE_AGE
    assert "365 days" in html  # CSRF and language cookies
    assert 'href="/cookies/"' in html


def test_follows_the_settings(api: Client, settings: Any) -> None:
    settings.SESSION_COOKIE_NAME = "worklens_session"
    settings.SESSION_COOKIE_AGE = 8 * 3600
    html = api.get("/cookies/").content.decode()
    assert "<code>worklens_session</code>" in html
    assert "8 hours" in html


def test_a_signed_in_visit_sets_no_other_cookie(api: Client, world: World) -> None:
    """What the page lists is all there is: a login and a few pages set session and CSRF only."""
    api.get("/accounts/login/")
    api.post(
        "/accounts/login/",
        {"login": "owner@acme.example", "password": "correct horse battery staple"},
        follow=True,
    )
    api.post("/account/email/", {"categories": ["product_news"]}, follow=True)
    api.get("/company/settings/")
    assert set(api.cookies.keys()) == {"sessionid", "csrftoken"}


def test_footer_links_it_on_every_page(api: Client, world: World) -> None:
    api.force_login(world.owner.user)
    for path in ("/team/today/", "/account/email/", "/company/settings/"):
        assert 'href="/cookies/"' in api.get(path).content.decode()
