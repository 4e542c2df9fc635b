"""Timesheets as files: CSV and XLSX for payroll and billing, PDF for a signed weekly sheet.

Each file holds exactly the page's figures: the same lines, the same seconds per day, the same
totals (the page's selector builds the Timesheet; this module only lays it out). Durations are
written as h:mm:ss in CSV and PDF, and as Excel durations ([h]:mm:ss, a fraction of a day) in
XLSX, so a sum in the spreadsheet gives the total to the second; a decimal-hours total is added
for payroll systems that want one.

Manual and edited time is marked as on the page: a member's lines carry "(manual)" or "(edited)"
after the project, and every file has a Manual column (approved time added by hand, included in
the total) and a Trimmed column (tracked time approved edits took out, not in the total), after
the columns that were there before, so existing imports keep reading them where they were.
Idle time is marked the same way, in two more columns after those: Idle kept (idle time the
employee kept, tracked time included in the total) and Idle discarded (idle time they discarded,
not counted).

The PDF adds the hours per day as a bar chart under the table (`pdf_chart.py`), from the same day
totals as its total row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from worklens_server.formatting import clock
from worklens_server.timesheets.pdf_chart import hours_per_day_drawing
from worklens_server.timesheets.selectors import Timesheet

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ExportHeading:
    title: str  # "Timesheet of Eli Employee", "Timesheets of Support"
    company: str
    timezone: str
    first_column: str  # "Project", "Member"
    second_column: str  # "Task", "E-mail"
    #: "Approved in WorkLens by ... on ...", for an approved week; else the PDF has a line to sign.
    approval: str = ""


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:.2f}"


def _percent(value: int | None) -> str:
    return "" if value is None else f"{value} %"


def _blank_clock(seconds: int) -> str:
    return clock(seconds) if seconds else ""


def _days(seconds: int) -> float | None:
    """Seconds as an Excel duration (a fraction of a day); empty for none."""
    return seconds / SECONDS_PER_DAY if seconds else None


def timesheet_csv(sheet: Timesheet, heading: ExportHeading) -> bytes:
    days = sheet.period.days
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [heading.first_column, heading.second_column]
        + [day.isoformat() for day in days]
        + ["Total", "Total hours", "Activity", "Manual", "Trimmed", "Idle kept", "Idle discarded"]
    )
    for line, cells in sheet.rows:
        writer.writerow(
            [line.title, line.detail]
            + [clock(seconds) if seconds else "" for seconds in cells]
            + [clock(line.total), _hours(line.total), _percent(line.activity_percent)]
            + [_blank_clock(line.manual_seconds), _blank_clock(line.trimmed_seconds)]
            + [_blank_clock(line.idle_kept_seconds), _blank_clock(line.idle_discarded_seconds)]
        )
    writer.writerow(
        ["Total", ""]
        + [clock(seconds) if seconds else "" for _, seconds in sheet.day_totals]
        + [clock(sheet.total), _hours(sheet.total), _percent(sheet.activity_percent)]
        + [_blank_clock(sheet.manual_seconds), _blank_clock(sheet.trimmed_seconds)]
        + [_blank_clock(sheet.idle_kept_seconds), _blank_clock(sheet.idle_discarded_seconds)]
    )
    # A byte order mark, so spreadsheet programs read the names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def timesheet_xlsx(sheet: Timesheet, heading: ExportHeading) -> bytes:
    book = Workbook()
    page = book.active
    page.title = "Timesheet"
    page.append([heading.title])
    page.append([f"{heading.company}, {sheet.period.title}, days in {heading.timezone}"])
    page.append([])
    days = sheet.period.days
    totals = ["Total", "Total hours", "Activity %", "Manual", "Trimmed"]
    totals += ["Idle kept", "Idle discarded"]
    page.append([heading.first_column, heading.second_column, *days, *totals])
    header_row = page.max_row
    for line, cells in sheet.rows:
        page.append(
            [line.title, line.detail]
            + [_days(seconds) for seconds in cells]
            + [line.total / SECONDS_PER_DAY, round(line.total / 3600, 2), line.activity_percent]
            + [_days(line.manual_seconds), _days(line.trimmed_seconds)]
            + [_days(line.idle_kept_seconds), _days(line.idle_discarded_seconds)]
        )
    page.append(
        ["Total", None]
        + [_days(seconds) for _, seconds in sheet.day_totals]
        + [sheet.total / SECONDS_PER_DAY, round(sheet.total / 3600, 2), sheet.activity_percent]
        + [_days(sheet.manual_seconds), _days(sheet.trimmed_seconds)]
        + [_days(sheet.idle_kept_seconds), _days(sheet.idle_discarded_seconds)]
    )
    first_day, total_column = 3, 3 + len(days)
    durations = {*range(first_day, total_column + 1), *range(total_column + 3, total_column + 7)}
    for row in page.iter_rows(min_row=header_row, max_row=page.max_row):
        for cell in row:
            if cell.row == header_row and first_day <= cell.column < total_column:
                cell.number_format = "ddd d mmm yyyy"
            elif cell.row > header_row and cell.column in durations:
                cell.number_format = "[h]:mm:ss"
    for cell in page[header_row] + page[page.max_row]:
        cell.font = Font(bold=True)
    page["A1"].font = Font(bold=True, size=14)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timesheet_pdf(sheet: Timesheet, heading: ExportHeading) -> bytes:
    styles = getSampleStyleSheet()
    days = sheet.period.days
    rows: list[list[str]] = [
        [heading.first_column, heading.second_column]
        + [f"{day:%a} {day.day} {day:%b}" for day in days]
        + ["Total", "Manual", "Trimmed", "Idle kept", "Idle discarded", "Activity"]
    ]
    for line, cells in sheet.rows:
        rows.append(
            [line.title, line.detail]
            + [clock(seconds) if seconds else "" for seconds in cells]
            + [clock(line.total), _blank_clock(line.manual_seconds)]
            + [_blank_clock(line.trimmed_seconds), _blank_clock(line.idle_kept_seconds)]
            + [_blank_clock(line.idle_discarded_seconds), _percent(line.activity_percent)]
        )
    rows.append(
        ["Total", ""]
        + [clock(seconds) if seconds else "" for _, seconds in sheet.day_totals]
        + [clock(sheet.total), _blank_clock(sheet.manual_seconds)]
        + [_blank_clock(sheet.trimmed_seconds), _blank_clock(sheet.idle_kept_seconds)]
        + [_blank_clock(sheet.idle_discarded_seconds), _percent(sheet.activity_percent)]
    )
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.grey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.whitesmoke]),
            ]
        )
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=heading.title,
        author=heading.company,
    )
    document.build(
        [
            Paragraph(heading.title, styles["Title"]),
            Paragraph(
                f"{heading.company}, {sheet.period.title}, days in {heading.timezone}",
                styles["Normal"],
            ),
            Spacer(1, 6 * mm),
            table,
            Spacer(1, 8 * mm),
            hours_per_day_drawing(sheet, width=landscape(A4)[0] - 24 * mm),
            Spacer(1, 12 * mm),
            Paragraph(
                heading.approval or "Approved by: ____________________   Date: ____________",
                styles["Normal"],
            ),
        ]
    )
    return out.getvalue()
