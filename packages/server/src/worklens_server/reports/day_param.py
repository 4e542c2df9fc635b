"""The `?day=YYYY-MM-DD` parameter of day pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from worklens_server.reports.selectors import company_today


class BadDay(ValueError):
    pass


def parse_day(value: str | None, *, timezone_name: str) -> dt.date:
    """The requested day; the company's today when none is given."""
    if not value:
        return company_today(timezone_name=timezone_name, now=timezone.now())
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadDay(f"day: {value!r} is not a date of the form YYYY-MM-DD") from None
