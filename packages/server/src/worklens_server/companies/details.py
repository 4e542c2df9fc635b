"""A company's registration details, checked: country, VAT number (per EU country with
python-stdnum) and phone number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumValidationError

from worklens_server.companies.countries import (
    EU_COUNTRIES,
    country_name,
    is_known_country,
    vat_prefix,
)

_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


@dataclass(frozen=True)
class CompanyDetails:
    name: str
    address: str
    phone: str
    country: str
    vat_number: str


def check_vat_number(*, country: str, number: str) -> str:
    """The VAT number in its compact form with its country prefix (EU), or as written elsewhere.

    Raises ValidationError (on the field "vat_number") with a message a person can act on.
    """
    number = number.strip()
    if country not in EU_COUNTRIES:
        if len(number) > 32:
            raise ValidationError({"vat_number": "A tax number has at most 32 characters."})
        return number
    name = country_name(country)
    if not number:
        raise ValidationError({"vat_number": f"A VAT number is required for a company in {name}."})
    prefix = vat_prefix(country)
    compact = re.sub(r"[\s./-]", "", number).upper()
    if compact[:2].isalpha():
        if compact[:2] != prefix:
            raise ValidationError(
                {"vat_number": f"A VAT number from {name} starts with {prefix}, not {compact[:2]}."}
            )
    else:
        compact = prefix + compact
    try:
        return str(vat.validate(compact))
    except StdnumValidationError as error:
        raise ValidationError(
            {"vat_number": f"This is not a valid VAT number for {name}: {error}"}
        ) from error


def check_company_details(
    *, name: str, address: str, phone: str, country: str, vat_number: str
) -> CompanyDetails:
    """Every field checked at once, so a form shows all its problems together."""
    errors: dict[str, str] = {}
    name, address, phone = name.strip(), address.strip(), phone.strip()
    if not name:
        errors["name"] = "The company needs a name."
    elif len(name) > 200:
        errors["name"] = "A company name has at most 200 characters."
    if not address:
        errors["address"] = "The company's postal address is required."
    if not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 6:
        errors["phone"] = "Enter a phone number with at least 6 digits, e.g. +49 30 1234567."
    if not is_known_country(country):
        errors["country"] = "Choose the country the company is registered in."
    checked_vat = ""
    if "country" not in errors:
        try:
            checked_vat = check_vat_number(country=country, number=vat_number)
        except ValidationError as error:
            errors.update({field: msgs[0] for field, msgs in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return CompanyDetails(
        name=name, address=address, phone=phone, country=country, vat_number=checked_vat
    )
