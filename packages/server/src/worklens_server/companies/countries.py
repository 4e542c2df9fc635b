"""Countries a company can be registered in, and how each one's VAT number is checked."""

from __future__ import annotations

#: The 27 EU member states: a VAT number is required and checked with python-stdnum.
EU_COUNTRIES: dict[str, str] = {
    "AT": "Austria",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "HR": "Croatia",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DK": "Denmark",
    "EE": "Estonia",
    "FI": "Finland",
    "FR": "France",
    "DE": "Germany",
    "GR": "Greece",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "LV": "Latvia",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "MT": "Malta",
    "NL": "Netherlands",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SK": "Slovakia",
    "SI": "Slovenia",
    "ES": "Spain",
    "SE": "Sweden",
}

#: Outside the EU a tax number is optional and kept as written.
OTHER_COUNTRIES: dict[str, str] = {
    "AU": "Australia",
    "BR": "Brazil",
    "CA": "Canada",
    "IS": "Iceland",
    "IN": "India",
    "IL": "Israel",
    "JP": "Japan",
    "LI": "Liechtenstein",
    "MX": "Mexico",
    "NZ": "New Zealand",
    "NO": "Norway",
    "RS": "Serbia",
    "SG": "Singapore",
    "ZA": "South Africa",
    "CH": "Switzerland",
    "TR": "Türkiye",
    "UA": "Ukraine",
    "AE": "United Arab Emirates",
    "GB": "United Kingdom",
    "US": "United States",
    "ZZ": "Another country",
}

#: Where the VAT prefix differs from the ISO code (Greece uses EL).
_VAT_PREFIXES = {"GR": "EL"}


def vat_prefix(country: str) -> str:
    return _VAT_PREFIXES.get(country, country)


def country_name(code: str) -> str:
    return EU_COUNTRIES.get(code) or OTHER_COUNTRIES.get(code) or code


def country_choices() -> list[tuple[str, object]]:
    """Grouped for a <select>: EU countries first, since their VAT numbers are checked."""
    return [
        ("", "Choose a country"),
        ("European Union", sorted(EU_COUNTRIES.items(), key=lambda item: item[1])),
        ("Outside the EU", list(OTHER_COUNTRIES.items())),
    ]


def is_known_country(code: str) -> bool:
    return code in EU_COUNTRIES or code in OTHER_COUNTRIES
