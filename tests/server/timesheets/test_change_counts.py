"""Every place that counts time counts approved changes, and only those, and marks them: the
member's and the team's timesheet, their CSV, XLSX and PDF files, the weekly summary, Team today
and the member day page (the manager's and "what is collected about me"). Each figure is compared
with sums computed here from the raw rows: the slots and the approved changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from typing import Any

import pytest
from changes_kit import (
    BERLIN,
    WEEK_QUERY,
    add_time,
    client_of,
    decide,
    entry_at,
    grid,
    local,
    section,
    trim,
)
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader
from server_testkit import EnrolledDevice, World
from tracked_week import track_entry

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Member
from worklens_server.companies.services import add_member, add_team_member
from worklens_server.formatting import clock
from worklens_server.notifications.services import set_email_preferences
from worklens_server.reports.selectors import get_team_today
from worklens_server.timesheets.models import TimeChange
from worklens_server.timesheets.periods import Period
from worklens_server.timesheets.selectors import counted, get_team_timesheet
from worklens_server.tracking.models import ActivitySlot

pytestmark = pytest.mark.django_db

NONE = "\u2013"  # what a page shows for no value
MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 6, 15), dt.date(2026, 6, 16), dt.date(2026, 6, 17)


def _split_by_local_day(start: dt.datetime, end: dt.datetime) -> dict[dt.date, int]:
    """Seconds of [start, end) on each Berlin day (summer time all along in these tests)."""
    out: dict[dt.date, int] = defaultdict(int)
    moment = start.astimezone(BERLIN)
    end = end.astimezone(BERLIN)
    while moment < end:
        midnight = dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time(), BERLIN)
        part_end = min(end, midnight)
        out[moment.date()] += int((part_end - moment).total_seconds())
        moment = part_end
    return out


def _overlap(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> int:
    return max(0, int((min(a[1], b[1]) - max(a[0], b[0])).total_seconds()))


def expected(member: Any) -> dict[str, dict[dt.date, int]]:
    """Tracked, manual and trimmed seconds per local day, from the raw rows."""
    slots = [
        (s.time_entry_id, s.started_at, s.started_at + dt.timedelta(seconds=s.length_seconds))
        for s in ActivitySlot.objects.filter(member=member)
    ]
    approved = TimeChange.objects.filter(member=member, status="approved")
    tracked: dict[dt.date, int] = defaultdict(int)
    manual: dict[dt.date, int] = defaultdict(int)
    trimmed: dict[dt.date, int] = defaultdict(int)
    for _, start, end in slots:
        for day, seconds in _split_by_local_day(start, end).items():
            tracked[day] += seconds
    for change in approved.filter(kind="trim"):
        for entry_id, start, end in slots:
            if entry_id == change.time_entry_id:
                part = (max(start, change.started_at), min(end, change.ended_at))
                if part[0] < part[1]:
                    for day, seconds in _split_by_local_day(*part).items():
                        trimmed[day] += seconds
    for change in approved.filter(kind="add"):
        covered = sum(_overlap((change.started_at, change.ended_at), s[1:]) for s in slots)
        assert covered == 0, "these tests add time next to tracked time, never over it"
        for day, seconds in _split_by_local_day(change.started_at, change.ended_at).items():
            manual[day] += seconds
    total = {
        day: tracked[day] - trimmed[day] + manual[day]
        for day in set(tracked) | set(manual) | set(trimmed)
    }
    return {"tracked": tracked, "manual": manual, "trimmed": trimmed, "total": total}


@pytest.fixture
def changed(world: World, week: dict[str, Any], api: Client, device: EnrolledDevice) -> None:
    """On top of the week's tracked time: 20 minutes tracked this morning (Wednesday); approved,
    Monday 13:00-14:30 on Website / Design and Tuesday 23:30 to Wednesday 00:30 (across local
    midnight), a trim of Tuesday 10:30-10:45 and one of 5 minutes this morning; and, not
    counted, one add waiting and one refused."""
    track_entry(api, device, local("2026-06-17 09:00").astimezone(dt.UTC), 20)
    employee = client_of(world.employee)
    design = week["design"]
    add_time(employee, "2026-06-15 13:00", "2026-06-15 14:30", work=f"t:{design.pk}")
    add_time(employee, "2026-06-16 23:30", "2026-06-17 00:30", notes="release night")
    trim(
        employee,
        entry_at(world.employee, "2026-06-16 10:00"),
        "2026-06-16 10:30",
        "2026-06-16 10:45",
    )
    trim(
        employee,
        entry_at(world.employee, "2026-06-17 09:00"),
        "2026-06-17 09:10",
        "2026-06-17 09:15",
    )
    decide(client_of(world.manager), list(TimeChange.objects.all()))
    add_time(employee, "2026-06-15 16:00", "2026-06-15 17:00", reason="waiting")
    add_time(employee, "2026-06-15 18:00", "2026-06-15 19:00", reason="refused")
    decide(client_of(world.manager), list(TimeChange.objects.filter(reason="refused")), "refuse")
    assert TimeChange.objects.filter(status="approved").count() == 4


def test_the_raw_rows_add_up_to_the_figures_below(world: World, changed: None) -> None:
    """The expectation itself, written out once: the other tests compare against it."""
    sums = expected(world.employee)
    assert sums["total"] == {MONDAY: 135 * 60, TUESDAY: 60 * 60, WEDNESDAY: 45 * 60}
    assert sum(sums["manual"].values()) == 150 * 60
    assert sum(sums["trimmed"].values()) == 20 * 60


def test_the_members_timesheet_counts_and_marks_approved_changes(
    world: World, changed: None
) -> None:
    sums = expected(world.employee)
    page = (
        client_of(world.employee).get(f"/timesheets/members/{world.employee.pk}/").content.decode()
    )
    rows = {row[0]: row for row in grid(page)}
    total = rows["Total"]
    assert total[1:4] == [clock(sums["total"][day]) for day in (MONDAY, TUESDAY, WEDNESDAY)]
    assert total[8] == clock(sum(sums["total"].values()))
    assert total[9] == clock(sum(sums["manual"].values()))
    assert total[10] == "\u2212" + clock(sum(sums["trimmed"].values()))
    assert rows["Website manual Design"][1] == "1:30:00"
    assert rows["No project manual"][2:4] == ["0:30:00", "0:30:00"]  # split at midnight
    assert rows["Website edited Design"][2] == "0:30:00"
    assert rows["No project edited"][3] == "0:15:00"
    assert rows["No project manual"][-1] == NONE  # manual time has no activity
    changes = section(page, "changes")
    assert changes.count("Approved") == 4
    assert "Waiting for approval" in changes
    assert "Refused" in changes


def test_the_team_timesheet_and_its_files_count_and_say_manual_and_trimmed(
    world: World, changed: None
) -> None:
    sums = expected(world.employee)
    total, manual, trimmed = (sum(sums[k].values()) for k in ("total", "manual", "trimmed"))
    manager = client_of(world.manager)
    rows = {row[0]: row for row in grid(manager.get("/timesheets/team/").content.decode())}
    line = rows["Eli Employee employee@acme.example"]
    assert line[1:4] == [clock(sums["total"][day]) for day in (MONDAY, TUESDAY, WEDNESDAY)]
    assert line[8:11] == [clock(total), clock(manual), "\u2212" + clock(trimmed)]

    data = manager.get(f"/timesheets/teams/{world.team.pk}/export.csv").content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(data)))
    employee = next(row for row in lines if row[1] == "employee@acme.example")
    # The idle columns come after these, so imports keep finding them where they were.
    assert header[-7:-2] == ["Total", "Total hours", "Activity", "Manual", "Trimmed"]
    assert employee[2:5] == [clock(sums["total"][d]) for d in (MONDAY, TUESDAY, WEDNESDAY)]
    assert employee[-7] == clock(total)
    assert employee[-4:] == [clock(manual), clock(trimmed), "", ""]

    xlsx = manager.get(f"/timesheets/teams/{world.team.pk}/export.xlsx").content
    sheet_rows = [
        list(r) for r in load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True)
    ]
    header = sheet_rows[3]
    employee_row = next(row for row in sheet_rows[4:] if row[1] == "employee@acme.example")
    as_seconds = {
        name: round(employee_row[header.index(name)].total_seconds())
        for name in ("Total", "Manual", "Trimmed")
    }
    assert as_seconds == {"Total": total, "Manual": manual, "Trimmed": trimmed}


def test_the_member_files_mark_lines_as_the_page_does(world: World, changed: None) -> None:
    employee = client_of(world.employee)
    url = f"/timesheets/members/{world.employee.pk}/export"
    data = employee.get(f"{url}.csv?{WEEK_QUERY}").content.decode("utf-8-sig")
    lines = {row[0] + "/" + row[1]: row for row in csv.reader(io.StringIO(data))}
    assert lines["Website (manual)/Design"][-4:-2] == ["1:30:00", ""]
    assert lines["Website (edited)/Design"][-4:-2] == ["", "0:15:00"]
    assert lines["Total/"][-7] == clock(sum(expected(world.employee)["total"].values()))
    pdf = employee.get(f"{url}.pdf?{WEEK_QUERY}").content
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Website (manual)" in pdf_text
    assert "Website (edited)" in pdf_text
    assert clock(sum(expected(world.employee)["total"].values())) in pdf_text


def test_the_weekly_summary_counts_them(world: World, changed: None, smtp: SmtpSink) -> None:
    sums = expected(world.employee)
    set_email_preferences(user=world.manager.user, opted_in={"weekly_summary"})
    call_command("send_weekly_summaries", "--week=2026-06-15", stdout=io.StringIO())
    body = text_body(smtp.wait_for_subject(world.manager.user.email, "tracked in the week"))
    manual, trimmed = clock(sum(sums["manual"].values())), clock(sum(sums["trimmed"].values()))
    expected_line = (
        f"Eli Employee (employee@acme.example): {clock(sum(sums['total'].values()))} "
        f"(incl. {manual} manual) ({trimmed} trimmed)"
    )
    assert expected_line in body


def test_team_today_counts_them(world: World, changed: None) -> None:
    sums = expected(world.employee)
    [row] = [
        r for r in get_team_today(viewer=world.manager) if r.email == world.employee.user.email
    ]
    assert row.tracked_seconds == sums["total"][WEDNESDAY] == 45 * 60
    assert (row.manual_seconds, row.trimmed_seconds) == (30 * 60, 5 * 60)
    assert row.activity_percent == 50  # of the 15 tracked minutes left
    page = client_of(world.manager).get("/team/today/").content.decode()
    assert "incl. 0:30:00 manual" in page
    assert "0:05:00 trimmed" in page


def test_the_member_day_counts_and_marks_them_for_the_manager_and_the_member(
    world: World, changed: None
) -> None:
    sums = expected(world.employee)
    day = {"day": "2026-06-16"}
    managers = client_of(world.manager).get(f"/members/{world.employee.pk}/activity/", day)
    mine = client_of(world.employee).get("/account/collected/", day)
    for page in (managers.content.decode(), mine.content.decode()):
        totals = page[page.index('<p class="totals">') : page.index("</p>", page.index("totals"))]
        assert clock(sums["total"][TUESDAY]) in totals
        assert "incl. 0:30:00 manual" in totals
        timesheet = section(page, "timesheet")
        assert "edited 0:15:00 trimmed" in timesheet
        assert f"23:30 00:00 {NONE} {NONE} release night manual" in timesheet
    wednesday = client_of(world.employee).get("/account/collected/", {"day": "2026-06-17"})
    assert clock(sums["total"][WEDNESDAY]) in wednesday.content.decode()


def test_a_month_of_a_team_stays_a_handful_of_queries(
    world: World, changed: None, django_assert_max_num_queries: Any
) -> None:
    """The changes of all members are read at once: ten more members with approved changes
    cost no query more."""
    month = Period("range", dt.date(2026, 6, 1), dt.date(2026, 6, 30))

    def queries() -> int:
        with django_assert_max_num_queries(6) as counted:
            get_team_timesheet(viewer=world.owner, period=month)
        assert any("timesheets_timechange" in q["sql"] for q in counted.captured_queries)
        return len(counted.captured_queries)

    assert world.owner.company.timezone  # the viewer's company is loaded with the viewer
    before = queries()
    for number in range(10):
        user = create_user(email=f"extra{number}@acme.example", password="pw", verified=True)
        extra = add_member(company=world.company, user=user, role=Member.Role.EMPLOYEE)
        add_team_member(team=world.team, member=extra)
        add_time(client_of(extra), "2026-06-10 09:00", "2026-06-10 10:00")
    decide(client_of(world.owner), list(TimeChange.objects.filter(status="pending")))

    assert queries() == before
    sheet = get_team_timesheet(viewer=world.owner, period=month)
    assert sheet.manual_seconds == 150 * 60 + 10 * 3600 + 3600  # and the "waiting" hour


def test_the_slots_under_many_changes_are_read_in_batches(
    world: World, changed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one range per query, the four approved changes cost four slot queries and count
    exactly as with one."""
    week = Period("week", MONDAY, MONDAY + dt.timedelta(days=6))
    at_once = get_team_timesheet(viewer=world.manager, period=week)
    monkeypatch.setattr(counted, "RANGES_PER_QUERY", 1)
    batched = get_team_timesheet(viewer=world.manager, period=week)
    assert [line.seconds for line in batched.lines] == [line.seconds for line in at_once.lines]
    assert (batched.manual_seconds, batched.trimmed_seconds) == (150 * 60, 20 * 60)
