"""Signing up: name, e-mail and password; the address must be verified (by the link in a real
e-mail) before anything opens; the new person then founds their company."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.accounts.models import User
from worklens_server.companies.models import Member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase"
SIGNUP = {
    "full_name": "Nora New",
    "email": "nora@newco.example",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


def _link(text: str, pattern: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + pattern + r"[^\s]*)", text)
    assert match, f"no link matching {pattern} in:\n{text}"
    return match.group(1)


def test_signup_page_asks_for_name_email_and_password(api: Client) -> None:
    page = api.get("/accounts/signup/").content.decode()
    for field in ("full_name", "email", "password1", "password2"):
        assert f'name="{field}"' in page
    assert "username" not in page.lower()


def test_signup_verify_then_found_a_company(api: Client, smtp: SmtpSink) -> None:
    response = api.post("/accounts/signup/", SIGNUP, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in api.session
    user = User.objects.get(email="nora@newco.example")
    assert user.full_name == "Nora New"
    assert api.get("/team/today/")["Location"].startswith("/accounts/login/")

    [message] = smtp.wait_for("nora@newco.example")
    assert "Confirm" in str(message["Subject"])
    confirm = _link(text_body(message), "/accounts/confirm-email/")
    assert api.get(confirm).status_code == 200
    response = api.post(confirm, follow=True)

    assert response.redirect_chain[-1][0] == "/company/new/"
    assert int(api.session["_auth_user_id"]) == user.pk
    assert user.emailaddress_set.get().verified

    response = api.post(
        "/company/new/",
        {
            "name": "NewCo GmbH",
            "address": "Hauptstraße 1\n10115 Berlin",
            "phone": "+49 30 1234567",
            "country": "DE",
            "vat_number": "de 136 695 976",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/team/today/"
    member = Member.objects.select_related("company").get(user=user)
    assert member.role == Member.Role.OWNER
    assert member.company.vat_number == "DE136695976"
    assert member.company.name == "NewCo GmbH"


def test_login_before_verification_only_resends_the_link(api: Client, smtp: SmtpSink) -> None:
    api.post("/accounts/signup/", SIGNUP)
    other_browser = Client()

    response = other_browser.post(
        "/accounts/login/", {"login": "nora@newco.example", "password": NEW_PASSWORD}, follow=True
    )

    assert "_auth_user_id" not in other_browser.session
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert other_browser.get("/team/today/").status_code == 302


def test_verified_login_without_company_goes_to_company_creation(
    api: Client, smtp: SmtpSink
) -> None:
    api.post("/accounts/signup/", SIGNUP)
    [message] = smtp.wait_for("nora@newco.example")
    other_browser = Client()
    other_browser.post(_link(text_body(message), "/accounts/confirm-email/"))

    response = other_browser.post(
        "/accounts/login/", {"login": "nora@newco.example", "password": NEW_PASSWORD}
    )

    assert response["Location"] == "/company/new/"


def test_signup_with_a_taken_address_is_refused(api: Client, smtp: SmtpSink) -> None:
    api.post("/accounts/signup/", SIGNUP)
    response = Client().post("/accounts/signup/", SIGNUP | {"full_name": "Someone Else"})
    assert User.objects.filter(email="nora@newco.example").count() == 1
    assert response.status_code in (200, 302)
