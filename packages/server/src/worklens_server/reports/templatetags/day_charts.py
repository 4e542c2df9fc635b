"""`{% activity_per_hour member_day %}`: the chart "activity over the day" and its table, on the
member day page and on "What is collected about me" (both include `_member_day.html`)."""

from __future__ import annotations

from django import template

from worklens_server.reports.charts import Bar, column_chart
from worklens_server.reports.day_hours import activity_per_hour as hours_of
from worklens_server.reports.member_day import MemberDay

register = template.Library()


@register.inclusion_tag("reports/_day_hours.html")
def activity_per_hour(member_day: MemberDay) -> dict[str, object]:
    hours = hours_of(member_day=member_day)
    bars = [
        Bar(
            label=hour.label,
            value=hour.activity_percent or 0,
            shown="-" if hour.activity_percent is None else f"{hour.activity_percent} %",
        )
        for hour in hours
    ]
    chart = column_chart(
        kind="activity-per-hour",
        title="Activity over the day",
        description=(
            "Share of tracked time with keyboard or mouse input, per hour of "
            f"{member_day.day:%A %d %B %Y} in {member_day.member.timezone}."
        ),
        bars=bars,
        scale_max=100,
        empty="No activity recorded on this day.",
    )
    return {"chart": chart, "hours": [hour for hour in hours if hour.tracked_seconds]}
