"""The member day page's fair activity line (reports/_member_day.html): a tag, so the reports
app needs no import of this one and its view stays as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from worklens_server.companies.models import Member
from worklens_server.insights.selectors.fair import get_fair_activity
from worklens_server.insights.selectors.labels import load_labels

register = template.Library()


@register.inclusion_tag("insights/_fair_day.html")
def fair_activity(member: Member, day: dt.date) -> dict[str, Any]:
    """The day's fair activity with its parts, when the company marked anything "active without
    input" (else nothing: the page's activity is the input figure alone)."""
    book = load_labels(company_id=member.company_id, member_ids=[member.pk])
    if not book.marks_anything(member.pk):
        return {"day": None}
    days = get_fair_activity(member=member, first_day=day, last_day=day, book=book)
    return {"day": days.get(day), "member": member}
