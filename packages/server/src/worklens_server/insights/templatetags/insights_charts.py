"""`{% top_usage report "app" %}` and `{% top_usage report "domain" %}`: the apps and sites
report's largest lines as charts (reports.charts), from the very lines its table lists; each
bar is coloured by the line's label (productive, neutral, unproductive, unlabelled)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from worklens_server.formatting import clock
from worklens_server.insights.selectors.report import AppsReport
from worklens_server.reports.charts import Bar, ranked_bars

register = template.Library()

#: Bars per chart: the table below lists the rest.
TOP = 10

_NAMES = {"app": ("Top apps", "applications"), "domain": ("Top sites", "web domains")}


@register.simple_tag
def top_usage(report: AppsReport, kind: str) -> SafeString:
    title, things = _NAMES[kind]
    lines = [line for line in report.lines if line.kind == kind][:TOP]
    return ranked_bars(
        kind=f"top-{kind}s",
        title=title,
        description=(
            f"The {TOP} {things} with the most time in front, {report.period.title}, "
            "largest first, coloured by their productivity label."
        ),
        bars=[
            Bar(
                label=line.name,
                value=line.seconds,
                shown=clock(line.seconds),
                tone=line.productivity,
            )
            for line in lines
        ],
        empty=f"No {things} recorded in this period.",
    )
