"""Charts of a timesheet, drawn from the `Timesheet` the page's table shows (reports.charts):
`{% hours_per_day sheet %}` (the table's day totals) and `{% project_split sheet %}` (a member's
lines summed per project, manual and edited lines with their project)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from worklens_server.formatting import clock
from worklens_server.reports.charts import Bar, column_chart, ranked_bars
from worklens_server.timesheets.selectors import Timesheet

register = template.Library()


def _day_label(sheet: Timesheet, day_index: int) -> str:
    day = sheet.period.days[day_index]
    # A week fits its weekday names; a longer range only the day of the month.
    return f"{day:%a} {day.day}" if len(sheet.period.days) <= 10 else str(day.day)


@register.simple_tag
def hours_per_day(sheet: Timesheet) -> SafeString:
    bars = [
        Bar(label=_day_label(sheet, index), value=seconds, shown=clock(seconds))
        for index, (_, seconds) in enumerate(sheet.day_totals)
    ]
    return column_chart(
        kind="hours-per-day",
        title="Hours per day",
        description=(
            f"Counted time per day, {sheet.period.title}: tracked time less approved trims, "
            "plus approved manual time, as in the table's total row."
        ),
        bars=bars,
        empty="No time counted in this period.",
    )


def project_totals(sheet: Timesheet) -> list[tuple[str, int]]:
    """Seconds per project in the period, largest first (a project's tasks, manual and edited
    lines together; "No project" is a project here, as it is a line of the table)."""
    totals: dict[str, int] = {}
    for line in sheet.lines:
        totals[line.label] = totals.get(line.label, 0) + line.total
    return sorted(
        ((name, seconds) for name, seconds in totals.items() if seconds),
        key=lambda item: (-item[1], item[0]),
    )


@register.simple_tag
def project_split(sheet: Timesheet) -> SafeString:
    return ranked_bars(
        kind="project-split",
        title="Hours per project",
        description=f"Counted time per project, {sheet.period.title}, largest first.",
        bars=[
            Bar(label=name, value=seconds, shown=clock(seconds))
            for name, seconds in project_totals(sheet)
        ],
        empty="No time counted in this period.",
    )
