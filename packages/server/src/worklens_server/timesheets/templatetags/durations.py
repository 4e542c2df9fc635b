"""`{{ seconds|clock }}`: a duration as WorkLens shows it (worklens_server.formatting)."""

from __future__ import annotations

from django import template

from worklens_server.formatting import clock as clock_text

register = template.Library()


@register.filter
def clock(seconds: int) -> str:
    return clock_text(seconds)


@register.filter
def clock_or_blank(seconds: int) -> str:
    """Empty for no time, so a timesheet's empty cells stay quiet."""
    return clock_text(seconds) if seconds else ""
