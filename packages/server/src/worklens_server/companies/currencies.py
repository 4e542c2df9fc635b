"""The currency of a company's money amounts (billable rates and what tracked time comes to):
ISO 4217 codes, the one each country of `countries` uses, and how an amount is shown."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: ISO 4217 code -> (name, digits after the decimal point).
CURRENCIES: dict[str, tuple[str, int]] = {
    "AED": ("UAE dirham", 2),
    "AUD": ("Australian dollar", 2),
    "BRL": ("Brazilian real", 2),
    "CAD": ("Canadian dollar", 2),
    "CHF": ("Swiss franc", 2),
    "CNY": ("Chinese yuan", 2),
    "CZK": ("Czech koruna", 2),
    "DKK": ("Danish krone", 2),
    "EUR": ("Euro", 2),
    "GBP": ("Pound sterling", 2),
    "HKD": ("Hong Kong dollar", 2),
    "HUF": ("Hungarian forint", 2),
    "ILS": ("Israeli new shekel", 2),
    "INR": ("Indian rupee", 2),
    "ISK": ("Icelandic króna", 0),
    "JPY": ("Japanese yen", 0),
    "KRW": ("South Korean won", 0),
    "MXN": ("Mexican peso", 2),
    "NOK": ("Norwegian krone", 2),
    "NZD": ("New Zealand dollar", 2),
    "PLN": ("Polish złoty", 2),
    "RON": ("Romanian leu", 2),
    "RSD": ("Serbian dinar", 2),
    "SEK": ("Swedish krona", 2),
    "SGD": ("Singapore dollar", 2),
    "TRY": ("Turkish lira", 2),
    "UAH": ("Ukrainian hryvnia", 2),
    "USD": ("US dollar", 2),
    "ZAR": ("South African rand", 2),
}

DEFAULT_CURRENCY = "EUR"

#: The currency of each country a company can be registered in that does not use the euro.
_NOT_EURO = {
    "CZ": "CZK",
    "DK": "DKK",
    "HU": "HUF",
    "PL": "PLN",
    "RO": "RON",
    "SE": "SEK",
    "AU": "AUD",
    "BR": "BRL",
    "CA": "CAD",
    "IS": "ISK",
    "IN": "INR",
    "IL": "ILS",
    "JP": "JPY",
    "LI": "CHF",
    "MX": "MXN",
    "NZ": "NZD",
    "NO": "NOK",
    "RS": "RSD",
    "SG": "SGD",
    "ZA": "ZAR",
    "CH": "CHF",
    "TR": "TRY",
    "UA": "UAH",
    "AE": "AED",
    "GB": "GBP",
    "US": "USD",
}


def currency_for_country(country: str) -> str:
    """The country's currency; the euro for the euro area, another country or none."""
    return _NOT_EURO.get(country, DEFAULT_CURRENCY)


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} · {name}") for code, (name, _digits) in CURRENCIES.items()]


def is_known_currency(code: str) -> bool:
    return code in CURRENCIES


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """`amount` to the currency's smallest unit, half up (as an invoice rounds)."""
    digits = CURRENCIES.get(currency, ("", 2))[1]
    return amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    """1234.5 EUR -> "1,234.50 EUR"; 5000 JPY -> "5,000 JPY"."""
    digits = CURRENCIES.get(currency, ("", 2))[1]
    return f"{round_amount(amount, currency):,.{digits}f} {currency}"
