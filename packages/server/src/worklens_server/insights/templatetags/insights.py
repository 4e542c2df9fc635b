"""Tags of the apps and sites pages: the member day page's fair activity line
(reports/_member_day.html), a tag so the reports app needs no import of this one and its view
stays as it is; and a score line's parts, built in Python because a company's report has a
thousand of them (as template nodes they were a third of the page's time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from worklens_server.companies.models import Member
from worklens_server.insights.selectors.fair import get_fair_activity
from worklens_server.insights.selectors.labels import load_labels
from worklens_server.insights.selectors.report import PARTS, ScoreLine

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


@register.simple_tag
def score_parts(line: ScoreLine) -> SafeString:
    """The parts of a score as a stacked bar and in words: productive, neutral, unproductive,
    unlabelled, and tracked time with no app."""
    shares = {part: share or 0 for part, share in line.shares.items()}
    bar = "".join(
        f'<span class="p-{part}" style="width: {shares[part]}%"></span>' for part in PARTS
    )
    words = " · ".join(f"{part} {shares[part]}%" for part in (*PARTS, "no_app"))
    return format_html(
        '<span class="parts-bar" aria-hidden="true">{}</span> <span class="small muted">{}</span>',
        SafeString(bar),
        words.replace("no_app", "no app"),
    )
