"""`{% team_track row %}`: the bars of one row of the team timeline.

A team's day is a few thousand bars; drawn by a template loop they were a third of the page's
time, joined here with `format_html_join` (which escapes every value) they cost a few
milliseconds. The member's own timeline stays a template: its slots are links with htmx.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from worklens_server.reports.timeline import TimelineRow

register = template.Library()


@register.simple_tag
def team_track(row: TimelineRow) -> SafeString:
    bars = format_html_join(
        "",
        '<span class="tl-bar top {}" style="{}" title="{}"></span>',
        ((bar.kind, bar.style, bar.title) for bar in row.entries + row.changes),
    )
    slots = format_html_join(
        "",
        '<span class="tl-bar low slot lvl-{}" style="{}" title="{}"></span>',
        ((bar.level, bar.style, bar.title) for bar in row.slots),
    )
    marks = format_html_join(
        "",
        '<span class="tl-mark{}{}" style="left:{}%"></span>',
        (
            (" blurred" if mark.blurred else "", "" if mark.has_image else " missing", mark.left)
            for mark in row.shots
        ),
    )
    return format_html("{}{}{}", bars, slots, marks)
