"""/company/settings/: the owner edits the company's details and may require two-factor
authentication for managers; a manager without it is sent to set it up first."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from server_testkit import World

from worklens_server.companies.models import Company

pytestmark = pytest.mark.django_db

SETTINGS = {
    "name": "Acme AG",
    "address": "Bahnhofstrasse 1, 8001 Zürich",
    "phone": "+41 44 123 45 67",
    "country": "CH",
    "vat_number": "CHE-123.456.789 MWST",
    "timezone": "Europe/Zurich",
    "week_starts_on": "0",
}


def _require_2fa(api: Client, world: World) -> None:
    api.force_login(world.owner.user)
    api.post("/company/settings/", SETTINGS | {"require_manager_2fa": "on"})
    api.logout()


def test_owner_edits_the_details(api: Client, world: World) -> None:
    api.force_login(world.owner.user)
    page = api.get("/company/settings/").content.decode()
    assert 'value="Acme"' in page

    response = api.post("/company/settings/", SETTINGS, follow=True)

    assert "The company settings are saved." in response.content.decode()
    company = Company.objects.get(pk=world.company.pk)
    assert (company.name, company.country, company.vat_number) == (
        "Acme AG",
        "CH",
        "CHE-123.456.789 MWST",
    )
    assert company.require_manager_2fa is False


def test_invalid_details_change_nothing(api: Client, world: World) -> None:
    api.force_login(world.owner.user)
    response = api.post("/company/settings/", SETTINGS | {"country": "AT", "vat_number": "U1"})
    assert "This is not a valid VAT number for Austria" in response.content.decode()
    assert Company.objects.get(pk=world.company.pk).name == "Acme"


@pytest.mark.parametrize("who", ["manager", "employee"])
def test_only_the_owner_may_open_it(api: Client, world: World, who: str) -> None:
    api.force_login(getattr(world, who).user)
    response = api.post("/company/settings/", SETTINGS | {"week_starts_on": "6"})
    assert response.status_code == 403
    assert "can be changed by its owner only" in response.content.decode()
    company = Company.objects.get(pk=world.company.pk)
    assert (company.name, company.week_starts_on) == ("Acme", 0)


def test_weeks_start_on_monday_sunday_or_saturday(api: Client, world: World) -> None:
    api.force_login(world.owner.user)
    page = api.get("/company/settings/").content.decode()
    options = page.split('name="week_starts_on"', 1)[1].split("</select>", 1)[0]
    assert '<option value="0" selected>Monday</option>' in options
    assert [label for label in ("Monday", "Sunday", "Saturday", "Tuesday") if label in options] == [
        "Monday",
        "Sunday",
        "Saturday",
    ]

    for value in ("5", "6", "0"):
        assert (
            api.post("/company/settings/", SETTINGS | {"week_starts_on": value}).status_code == 302
        )
        assert Company.objects.get(pk=world.company.pk).week_starts_on == int(value)
    api.post("/company/settings/", SETTINGS | {"week_starts_on": "6"})
    for refused in ("2", "7", "-1", "Sunday", ""):
        response = api.post("/company/settings/", SETTINGS | {"week_starts_on": refused})
        assert response.status_code == 200
        assert 'id="id_week_starts_on_error"' in response.content.decode()
        assert Company.objects.get(pk=world.company.pk).week_starts_on == 6


def test_manager_without_2fa_is_sent_to_set_it_up(api: Client, world: World) -> None:
    _require_2fa(api, world)
    api.force_login(world.manager.user)

    response = api.get("/team/today/")

    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert api.get("/account/email/")["Location"] == "/accounts/2fa/totp/activate/"
    assert api.get("/accounts/2fa/totp/activate/").status_code in (200, 302)


def test_manager_with_totp_reaches_the_dashboard(api: Client, world: World) -> None:
    _require_2fa(api, world)
    secret = generate_totp_secret()
    TOTP.activate(world.manager.user, secret)
    api.force_login(world.manager.user)

    assert api.get("/team/today/").status_code == 200

    # A fresh login now asks for the code, and the code from the authenticator app works.
    browser = Client()
    response = browser.post(
        "/accounts/login/",
        {"login": "manager@acme.example", "password": "correct horse battery staple"},
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = browser.post("/accounts/2fa/authenticate/", {"code": code})
    assert response["Location"] == "/team/today/"
    assert browser.get("/team/today/").status_code == 200


def test_employees_and_other_companies_are_not_affected(api: Client, world: World) -> None:
    _require_2fa(api, world)
    api.force_login(world.employee.user)
    assert api.get("/account/email/").status_code == 200
    api.force_login(world.outsider_owner.user)
    assert api.get("/team/today/").status_code == 200


def test_the_owner_is_held_to_it_too(api: Client, world: World) -> None:
    _require_2fa(api, world)
    api.force_login(world.owner.user)
    assert api.get("/team/today/")["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize(
    ("who", "linked"), [("owner", True), ("manager", False), ("employee", False)]
)
def test_only_the_owner_is_offered_the_company_settings(
    api: Client, world: World, who: str, linked: bool
) -> None:
    """Others would be sent to a page that refuses them (403)."""
    api.force_login(getattr(world, who).user)
    page = api.get("/account/").content.decode()
    assert ('href="/company/settings/"' in page) is linked
    assert (api.get("/company/settings/").status_code == 200) is linked


def test_the_currency_follows_the_country_unless_chosen(api: Client, world: World) -> None:
    api.force_login(world.owner.user)
    assert 'value="EUR" selected' in api.get("/company/settings/").content.decode()

    api.post("/company/settings/", SETTINGS)
    assert Company.objects.get(pk=world.company.pk).currency == "CHF"

    api.post("/company/settings/", SETTINGS | {"currency": "USD"})
    assert Company.objects.get(pk=world.company.pk).currency == "USD"
    assert 'value="USD" selected' in api.get("/company/settings/").content.decode()

    response = api.post("/company/settings/", SETTINGS | {"currency": "XYZ"})
    assert "Select a valid choice" in response.content.decode()
    assert Company.objects.get(pk=world.company.pk).currency == "USD"
