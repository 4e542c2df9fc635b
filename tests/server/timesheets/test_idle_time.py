"""Idle time on timesheets: kept idle time is counted, in the totals and said as "Idle kept";
discarded idle time is counted nowhere and said as "Idle discarded". The page, the CSV, the XLSX,
the PDF and the weekly summary all show the same figures, for a member and for a team, and the
idle time was put in the way an agent puts it, through the batches API."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader
from server_testkit import EnrolledDevice, World, batch, post_batch, time_entry
from time_machine import TimeMachineFixture
from tracked_week import MONDAY, at, track_entry

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.notifications.services import set_email_preferences
from worklens_server.tracking.models import ActivitySlot, MemberDayRollup, TimeEntry

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)
SUNDAY_BEFORE = MONDAY - dt.timedelta(days=1)
WEEK = "period=week&date=2026-06-16"
#: The `week` fixture's 1:30:00 plus 10 minutes of kept idle time.
TOTAL = "1:40:00"
KEPT = "0:10:00"
#: 20 minutes on Tuesday, and the 30 minutes after local midnight of a stretch that began the
#: week before (Sunday 23:30 to Monday 00:30 in Berlin).
DISCARDED = "0:50:00"


@pytest.fixture
def idle(api: Client, device: EnrolledDevice, world: World, week: dict[str, Any]) -> None:
    track_entry(
        api,
        device,
        at(MONDAY, 10),
        10,
        project_id=world.project.id,
        task_id=week["design"].id,
        idle="kept",
    )
    stretches = [
        time_entry(started_at=at(TUESDAY, 9), stopped_at=at(TUESDAY, 9, 20), idle="discarded"),
        time_entry(
            started_at=at(SUNDAY_BEFORE, 21, 30),
            stopped_at=at(SUNDAY_BEFORE, 22, 30),
            idle="discarded",
        ),
    ]
    response = post_batch(api, device, batch(device, time_entries=stretches))
    assert response.status_code == 200, response.content


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _rows(page: str) -> list[list[str]]:
    table = page.split('<table class="grid timesheet">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in rows
    ]


def _columns(header: list[Any], row: list[Any], names: tuple[str, ...]) -> list[Any]:
    return [row[header.index(name)] for name in names]


FIGURES = ("Total", "Idle kept", "Idle discarded")


def test_the_tracked_seconds_count_kept_idle_time_and_not_discarded(
    world: World, idle: None
) -> None:
    slots = ActivitySlot.objects.filter(member=world.employee)
    assert sum(slots.values_list("length_seconds", flat=True)) == 100 * 60
    rollups = MemberDayRollup.objects.filter(member=world.employee)
    assert sum(rollups.values_list("tracked_seconds", flat=True)) == 100 * 60


@pytest.mark.parametrize("viewer", ["owner", "employee"])
def test_a_members_page_and_files_show_the_same_idle_figures(
    world: World, idle: None, viewer: str
) -> None:
    client = _client(getattr(world, viewer))
    base = f"/timesheets/members/{world.employee.pk}/"

    rows = _rows(client.get(f"{base}?{WEEK}").content.decode())
    header, website, no_project, total = rows
    assert _columns(header, website, FIGURES) == ["1:25:00", KEPT, ""]
    assert _columns(header, no_project, FIGURES) == ["0:15:00", "", ""]
    assert _columns(header, total, FIGURES) == [TOTAL, KEPT, DISCARDED]

    data = client.get(f"{base}export.csv?{WEEK}").content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(data)))
    by_title = {line[0]: line for line in lines}
    assert _columns(header, by_title["Website"], FIGURES) == ["1:25:00", KEPT, ""]
    assert _columns(header, by_title["Total"], FIGURES) == [TOTAL, KEPT, DISCARDED]

    book = load_workbook(io.BytesIO(client.get(f"{base}export.xlsx?{WEEK}").content)).active
    cells = [list(row) for row in book.iter_rows(values_only=True)]
    header, last = cells[3], cells[-1]
    seconds = [round(cell.total_seconds()) for cell in _columns(header, last, FIGURES)]
    assert seconds == [100 * 60, 10 * 60, 50 * 60]

    pdf = PdfReader(io.BytesIO(client.get(f"{base}export.pdf?{WEEK}").content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Idle kept" in text
    assert "Idle discarded" in text
    assert f"{TOTAL} {KEPT} {DISCARDED}" in " ".join(text.split())


def test_a_teams_page_and_files_show_the_same_idle_figures(world: World, idle: None) -> None:
    client = _client(world.manager)
    base = f"/timesheets/teams/{world.team.pk}/"

    rows = _rows(client.get(f"{base}?{WEEK}").content.decode())
    header = rows[0]
    employee = next(row for row in rows if "employee@acme.example" in row[0])
    assert _columns(header, employee, FIGURES) == [TOTAL, KEPT, DISCARDED]
    assert _columns(header, rows[-1], FIGURES) == [TOTAL, KEPT, DISCARDED]

    data = client.get(f"{base}export.csv?{WEEK}").content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(data)))
    employee = next(line for line in lines if line[1] == "employee@acme.example")
    assert _columns(header, employee, FIGURES) == [TOTAL, KEPT, DISCARDED]

    book = load_workbook(io.BytesIO(client.get(f"{base}export.xlsx?{WEEK}").content)).active
    cells = [list(row) for row in book.iter_rows(values_only=True)]
    header = cells[3]
    employee = next(row for row in cells[4:] if row[1] == "employee@acme.example")
    seconds = [round(cell.total_seconds()) for cell in _columns(header, employee, FIGURES)]
    assert seconds == [100 * 60, 10 * 60, 50 * 60]

    pdf = PdfReader(io.BytesIO(client.get(f"{base}export.pdf?{WEEK}").content))
    text = " ".join("\n".join(page.extract_text() for page in pdf.pages).split())
    assert "employee@acme.example" in text
    assert f"{TOTAL} {KEPT} {DISCARDED}" in text


def test_the_week_before_counts_only_its_part_of_a_discarded_stretch(
    world: World, idle: None
) -> None:
    page = _client(world.owner).get(
        f"/timesheets/members/{world.employee.pk}/?period=week&date=2026-06-10"
    )
    rows = _rows(page.content.decode())
    header, total = rows[0], rows[-1]
    assert _columns(header, total, FIGURES) == ["0:00:00", "", "0:30:00"]


def test_the_weekly_summary_says_kept_and_discarded_idle_time(
    smtp: SmtpSink, world: World, idle: None, time_machine: TimeMachineFixture
) -> None:
    set_email_preferences(user=world.manager.user, opted_in={"weekly_summary"})
    time_machine.move_to("2026-06-22T07:00:00+02:00")

    call_command("send_weekly_summaries", stdout=StringIO())

    [message] = smtp.wait_for(world.manager.user.email)
    body = text_body(message)
    assert (
        f"Eli Employee (employee@acme.example): {TOTAL} (incl. {KEPT} idle kept) "
        f"({DISCARDED} idle discarded, not counted)"
    ) in body
    assert f"Total: {TOTAL}" in body


def test_a_discarded_stretch_is_not_offered_for_trimming(world: World, idle: None) -> None:
    page = _client(world.employee).get(f"/timesheets/members/{world.employee.pk}/?{WEEK}")
    select = page.content.decode().split('<select name="time_entry"', 1)[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]+)"', select)
    marks = dict(TimeEntry.objects.values_list("id", "idle"))
    offered = {marks[uuid.UUID(value)] for value in options}
    assert len(options) == 4  # the three entries of the week and the kept idle time
    assert offered == {"", "kept"}
