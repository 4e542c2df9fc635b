"""/company/new/: the person who signed up founds their company; VAT numbers are checked per
EU country and optional elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client

from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Company, Member
from worklens_server.policies.models import Policy

pytestmark = pytest.mark.django_db

COMPANY = {
    "name": "Nordlicht GmbH",
    "address": "Hauptstraße 1\n10115 Berlin",
    "phone": "+49 30 1234567",
    "country": "DE",
    "vat_number": "DE136695976",
}


@pytest.fixture
def founder(api: Client) -> Client:
    user = create_user(email="founder@example.com", password="x" * 16, verified=True)
    api.force_login(user)
    return api


def test_needs_login(api: Client) -> None:
    assert api.get("/company/new/")["Location"].startswith("/accounts/login/")


def test_form_lists_countries_grouped_by_eu(founder: Client) -> None:
    page = founder.get("/company/new/").content.decode()
    assert '<optgroup label="European Union">' in page
    assert '<option value="GR">Greece</option>' in page
    assert '<optgroup label="Outside the EU">' in page


def test_founder_becomes_owner_with_a_policy(founder: Client) -> None:
    response = founder.post("/company/new/", COMPANY | {"vat_number": "de 136.695.976"})

    assert response["Location"] == "/team/today/"
    company = Company.objects.get(name="Nordlicht GmbH")
    assert company.vat_number == "DE136695976"
    assert company.currency == "EUR"
    assert company.phone == "+49 30 1234567"
    assert company.address.splitlines() == ["Hauptstraße 1", "10115 Berlin"]
    member = Member.objects.get(company=company)
    assert (member.user.email, member.role) == ("founder@example.com", Member.Role.OWNER)
    assert Policy.objects.filter(company=company).exists()
    assert founder.get("/team/today/").status_code == 200


@pytest.mark.parametrize(
    ("country", "vat_number", "message"),
    [
        ("DE", "DE136695977", "This is not a valid VAT number for Germany"),
        ("DE", "FR40303265045", "A VAT number from Germany starts with DE, not FR."),
        ("DE", "", "A VAT number is required for a company in Germany."),
        ("GR", "EL12345", "This is not a valid VAT number for Greece"),
        ("", "DE136695976", "This field is required."),
    ],
)
def test_wrong_vat_numbers_are_refused_with_the_reason(
    founder: Client, country: str, vat_number: str, message: str
) -> None:
    response = founder.post(
        "/company/new/", COMPANY | {"country": country, "vat_number": vat_number}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Nordlicht GmbH"' in response.content.decode()  # nothing typed is lost
    assert not Company.objects.exists()


def test_valid_numbers_of_other_eu_countries(founder: Client) -> None:
    response = founder.post(
        "/company/new/", COMPANY | {"country": "FR", "vat_number": "40 303 265 045"}
    )
    assert response.status_code == 302
    assert Company.objects.get().vat_number == "FR40303265045"


def test_vat_number_is_optional_outside_the_eu(founder: Client) -> None:
    response = founder.post("/company/new/", COMPANY | {"country": "US", "vat_number": ""})
    assert response.status_code == 302
    assert Company.objects.get().country == "US"
    assert Company.objects.get().currency == "USD"  # the country's currency


def test_phone_and_address_are_checked(founder: Client) -> None:
    response = founder.post("/company/new/", COMPANY | {"phone": "call me", "address": " "})
    page = response.content.decode()
    assert "Enter a phone number with at least 6 digits" in page
    assert "This field is required." in page
    assert not Company.objects.exists()


def test_a_member_cannot_found_a_second_company(founder: Client) -> None:
    founder.post("/company/new/", COMPANY)
    response = founder.post("/company/new/", COMPANY | {"name": "Second"})
    assert response["Location"] == "/team/today/"
    assert list(Company.objects.values_list("name", flat=True)) == ["Nordlicht GmbH"]
