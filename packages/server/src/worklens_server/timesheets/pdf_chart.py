"""The hours-per-day chart of a timesheet PDF: a vector bar chart drawn by ReportLab's graphics,
from the same day totals as the PDF's total row (and the page's chart).

Each bar's figure is printed above it as h:mm, and each day is named below it, as text in the
PDF, so the chart reads on paper and in any PDF reader's text search, not only as a picture.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from worklens_server.timesheets.selectors import Timesheet

#: The dashboard's accent colour (worklens.css --accent), so paper and page match.
ACCENT = colors.HexColor("#2b6cb0")


def short_clock(seconds: int) -> str:
    """h:mm, the minutes rounded down as the table's h:mm:ss reads: 27030 -> "7:30"."""
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}:{rest // 60:02d}"


def day_label(sheet: Timesheet, index: int) -> str:
    day = sheet.period.days[index]
    return f"{day:%a} {day.day}" if len(sheet.period.days) <= 10 else str(day.day)


def hours_per_day_drawing(sheet: Timesheet, *, width: float, height: float = 55 * mm) -> Drawing:
    """The period's counted hours per day, in hours on the axis, each bar labelled h:mm."""
    totals = [seconds for _, seconds in sheet.day_totals]
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, "Hours per day", fontName="Helvetica-Bold", fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 18
    chart.width, chart.height = width - 40, height - 40
    chart.data = [[seconds / 3600 for seconds in totals]]
    chart.categoryAxis.categoryNames = [day_label(sheet, i) for i in range(len(totals))]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1.0, max(totals, default=0) / 3600 * 1.15)
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d h"
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    labels = [short_clock(seconds) if seconds else "" for seconds in totals]
    chart.barLabelFormat = "values"  # the texts of barLabelArray, one per bar
    chart.barLabelArray = [labels]
    drawing.add(chart)
    return drawing
