"""/account/email/: optional e-mail as checkboxes, off by default; transactional always on."""

from __future__ import annotations

import pytest
from django.test import Client
from server_testkit import World

from worklens_server.notifications.selectors import get_opted_in_categories

pytestmark = pytest.mark.django_db


def test_needs_login(api: Client, world: World) -> None:
    response = api.get("/account/email/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_optional_categories_start_off_and_transactional_is_explained(
    api: Client, world: World
) -> None:
    api.force_login(world.employee.user)
    page = api.get("/account/email/").content.decode()

    assert 'name="categories" value="product_news"' in page
    assert 'name="categories" value="new_features"' in page
    assert " checked" not in page
    assert "cannot be turned off" in page
    assert "Confirmation that your password was changed" in page
    assert "Alerts about the people you manage" in page
    assert "Notices that the service failed for your company" in page


def test_saving_opts_in_and_out(api: Client, world: World) -> None:
    user = world.employee.user
    api.force_login(user)

    response = api.post("/account/email/", {"categories": ["new_features"]}, follow=True)
    assert "Your e-mail preferences are saved." in response.content.decode()
    assert get_opted_in_categories(user=user) == {"new_features"}
    assert 'value="new_features" checked' in response.content.decode()

    api.post("/account/email/", {"categories": ["product_news", "transactional", "bogus"]})
    assert get_opted_in_categories(user=user) == {"product_news"}

    api.post("/account/email/", {})
    assert get_opted_in_categories(user=user) == set()


def test_preferences_are_per_person(api: Client, world: World) -> None:
    api.force_login(world.employee.user)
    api.post("/account/email/", {"categories": ["product_news"]})
    assert get_opted_in_categories(user=world.manager.user) == set()
