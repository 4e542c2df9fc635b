"""Timesheet files hold exactly the page's figures: the CSV read with the csv module, the XLSX
opened with openpyxl, the PDF's text extracted with pypdf, each compared with the raw slots."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader
from server_testkit import World

from worklens_server.formatting import clock
from worklens_server.tracking.models import ActivitySlot

pytestmark = pytest.mark.django_db

WEEK = {"period": "week", "date": "2026-06-16"}


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _raw_seconds(world: World, day: dt.date | None = None) -> int:
    slots = ActivitySlot.objects.filter(member=world.employee)
    if day is not None:
        slots = slots.filter(started_at__date=day)
    return sum(slots.values_list("length_seconds", flat=True))


def _seconds(cell: Any) -> int:
    """A duration cell as openpyxl reads it back: a timedelta (its [h]:mm:ss format says so)."""
    return 0 if cell is None else round(cell.total_seconds())


def _download(client: Client, url: str, content_type: str) -> bytes:
    response = client.get(url, WEEK)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="')
    return response.content


def test_the_csv_holds_the_pages_lines_and_totals(world: World, week: dict[str, Any]) -> None:
    url = f"/timesheets/members/{world.employee.pk}/export.csv"
    data = _download(_client(world.manager), url, "text/csv; charset=utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, website, no_project, total = rows
    assert header[:4] == ["Project", "Task", "2026-06-15", "2026-06-16"]
    assert header[-7:] == [
        "Total",
        "Total hours",
        "Activity",
        "Manual",
        "Trimmed",
        "Idle kept",
        "Idle discarded",
    ]
    assert website[:4] == ["Website", "Design", "0:30:00", "0:45:00"]
    assert website[-7:] == ["1:15:00", "1.25", "50 %", "", "", "", ""]
    assert no_project[:3] == ["No project", "", "0:15:00"]
    assert total[-7] == clock(_raw_seconds(world)) == "1:30:00"
    assert total[2] == clock(_raw_seconds(world, dt.date(2026, 6, 15)))


def test_the_xlsx_sums_to_the_second_in_excel_durations(world: World, week: dict[str, Any]) -> None:
    url = f"/timesheets/teams/{world.team.pk}/export.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(_download(_client(world.owner), url, content_type))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Timesheets of Support"
    header = rows[3]
    assert header[:3] == ["Member", "E-mail", dt.datetime(2026, 6, 15)]
    by_email = {row[1]: row for row in rows[4:-1]}
    employee = by_email["employee@acme.example"]
    total_column = header.index("Total")
    assert _seconds(employee[total_column]) == _raw_seconds(world)
    assert _seconds(employee[2]) == 45 * 60  # Monday
    assert employee[total_column + 1] == 1.5
    days = [_seconds(cell) for cell in employee[2:total_column]]
    assert sum(days) == _raw_seconds(world)
    assert sheet.cell(row=5, column=total_column + 1).number_format == "[h]:mm:ss"


def test_the_pdf_shows_the_weeks_lines_and_total(world: World, week: dict[str, Any]) -> None:
    url = f"/timesheets/members/{world.employee.pk}/export.pdf"
    data = _download(_client(world.employee), url, "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Timesheet of Eli Employee" in text
    assert "15 Jun 2026 to 21 Jun 2026" in text
    assert "Website" in text
    assert "Design" in text
    assert clock(_raw_seconds(world)) in text
    assert "1:15:00" in text


def test_an_unknown_format_is_not_found(world: World) -> None:
    client = _client(world.owner)
    assert client.get(f"/timesheets/members/{world.employee.pk}/export.docx").status_code == 404
