"""`seed_demo --history`: two teams whose people have days of tracked time, screenshots in the
blob store, changes waiting and approved, and weeks submitted and approved, so that every page
a newcomer opens is full; a second run adds nothing.

One history, made small to keep the test quick (two people a team, 12 days: the 8 working days
from Friday 5 June to Tuesday 16 June 2026 at the pinned clock, Wednesday 17 June), is enough for
an approved week (1 June), a submitted one (8 June) and this week's days."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Q
from django.test import Client

from worklens_server.companies.models import Member, Team
from worklens_server.devices.models import Device
from worklens_server.ingest.models import ReceivedBatch
from worklens_server.timesheets.models import TimeChange, TimesheetWeek, WeekEvent
from worklens_server.tracking.models import (
    ActivitySlot,
    AppSpan,
    MemberDayRollup,
    Screenshot,
    TimeEntry,
)

pytestmark = pytest.mark.django_db

HISTORY = ("--history", "--history-team-size", "2", "--history-days", "12")
WORKING_DAYS = [dt.date(2026, 6, d) for d in (5, 8, 9, 10, 11, 12, 15, 16)]
PEOPLE = {
    "manager@demo.worklens.example": "Max Manager",
    "employee@demo.worklens.example": "Emma Employee",
    "hannah@demo.worklens.example": "Hannah Becker",
    "aisha@demo.worklens.example": "Aisha Khan",
}
TABLES = (
    Device,
    ReceivedBatch,
    TimeEntry,
    ActivitySlot,
    AppSpan,
    Screenshot,
    MemberDayRollup,
    TimeChange,
    TimesheetWeek,
    WeekEvent,
)


def _seed(*args: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", "--json", *args, stdout=out, stderr=err)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _counts() -> dict[str, int]:
    return {table.__name__: table.objects.count() for table in TABLES}


def _team_rows(client: Client, path: str) -> dict[str, list[str]]:
    """The team timesheet's member rows: the member's name and e-mail, then their cells."""
    page = client.get(path, {"period": "week", "date": "2026-06-08"}).content.decode()
    table = page.split('<table class="grid timesheet">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:-1]:
        cells = [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def _signed_in(demo: dict[str, Any], role: str) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": demo[f"{role}_email"], "password": demo[f"{role}_password"]},
    )
    assert response["Location"] == "/team/today/", role  # the printed login lands there
    return client


def test_the_history_fills_every_table_and_every_page(tmp_path: Path) -> None:
    demo = _seed(*HISTORY)

    members = {m.user.email: m for m in Member.objects.select_related("user")}
    assert set(PEOPLE) < set(members)
    assert members["aisha@demo.worklens.example"].timezone == "Asia/Kolkata"
    teams = {t.name: t for t in Team.objects.all()}
    assert set(teams) == {"Product", "Support"}
    support_managers = teams["Support"].memberships.filter(is_manager=True)
    assert [m.member.user.email for m in support_managers] == ["hannah@demo.worklens.example"]

    # Every person has every working day, tracked by their own enrolled device; how active they
    # are differs from day to day.
    for email in PEOPLE:
        days = MemberDayRollup.objects.filter(member=members[email]).order_by("day")
        assert [r.day for r in days] == WORKING_DAYS, email
        assert all(5 * 3600 < r.tracked_seconds < 11 * 3600 for r in days), email
        shares = {round(100 * r.active_seconds / r.tracked_seconds) for r in days}
        assert len(shares) > 3, email
        assert all(10 < share < 95 for share in shares), email
        (device,) = Device.objects.filter(member=members[email])
        # Heard from when it sent its last day, not when the history was made.
        assert device.last_seen_at is not None
        assert device.last_seen_at.date() == WORKING_DAYS[-1], email
    # One-minute slots as the policy says, aligned to the minute except where an entry starts.
    slots = ActivitySlot.objects.aggregate(longest=Max("length_seconds"), n=Count("id"))
    assert slots["longest"] == 60
    entry_starts = set(TimeEntry.objects.values_list("started_at", flat=True))
    assert all(
        s.second == 0 or s in entry_starts
        for s in ActivitySlot.objects.values_list("started_at", flat=True)
    )
    # Idle time kept: entries marked so, whose slots hold no activity at all, beside busy ones.
    entries = TimeEntry.objects.annotate(
        busy=Count("slots", filter=Q(slots__active_seconds__gt=0)), n=Count("slots")
    ).values_list("idle", "busy", "n")
    kept = [(busy, n) for idle, busy, n in entries if idle == "kept"]
    assert 0 < len(kept) < len(entries) / 5
    assert all(busy == 0 and n > 0 for busy, n in kept)
    assert all(busy > 0 for idle, busy, _ in entries if idle is None)
    # Idle time discarded: its start and end only, nothing recorded in it.
    discarded = TimeEntry.objects.filter(idle="discarded")
    assert discarded.exists()
    assert not discarded.filter(Q(project__isnull=False) | ~Q(notes="")).exists()
    assert not ActivitySlot.objects.filter(time_entry__in=discarded).exists()
    assert not AppSpan.objects.filter(time_entry__in=discarded).exists()
    assert not Screenshot.objects.filter(time_entry__in=discarded).exists()
    # Spans are cut at slot boundaries, so there are more spans than slots; titles and URLs.
    assert AppSpan.objects.count() > slots["n"]
    assert AppSpan.objects.filter(app="Visual Studio Code", url__isnull=True).exists()
    assert AppSpan.objects.filter(url__startswith="https://acme.zendesk.example/").exists()
    # A screenshot every ten minutes or so, each stored encrypted in the blob store.
    shots = Screenshot.objects.count()
    assert 32 * 40 < shots < 32 * 60
    assert Screenshot.objects.filter(image="").count() == 0
    assert len(list((tmp_path / "media").rglob("*.fernet"))) == shots
    # Changes asked for through the timesheets: some approved, some waiting.
    changes = dict(
        TimeChange.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    assert changes.get("approved", 0) > 0
    assert changes.get("pending", 0) > 0
    assert set(TimeChange.objects.values_list("kind", flat=True)) == {"add", "trim"}
    # The week of 1 June approved for everyone, the week of 8 June submitted.
    weeks = TimesheetWeek.objects.values_list("member__user__email", "week_start", "status")
    assert {(e, s) for e, w, s in weeks if w == dt.date(2026, 6, 1)} == {
        (email, "approved") for email in PEOPLE
    }
    assert any(w == dt.date(2026, 6, 8) and s == "submitted" for _, w, s in weeks)

    owner, manager = _signed_in(demo, "owner"), _signed_in(demo, "manager")
    everyone = _team_rows(owner, "/timesheets/team/")
    assert {name.split()[-1] for name in everyone} == {*PEOPLE, "owner@demo.worklens.example"}
    for email, name in PEOPLE.items():
        cells = everyone[f"{name} {email}"]
        assert all(cell not in ("", "0:00:00") for cell in cells[:5]), name  # Monday to Friday
    week = owner.get("/timesheets/team/", {"period": "week", "date": "2026-06-08"}).content
    # Idle time shows on the timesheet as kept (counted) and discarded (not counted).
    assert re.search(r'idle-kept">\d+:\d\d:\d\d<', week.decode())
    assert re.search(r'idle-discarded">\d+:\d\d:\d\d<', week.decode())
    product = _team_rows(manager, "/timesheets/team/")
    assert {name.split()[-1] for name in product} == {
        "manager@demo.worklens.example",
        "employee@demo.worklens.example",
    }
    assert "hannah@" not in manager.get("/timesheets/approvals/").content.decode()
    shot = Screenshot.objects.filter(member=members["employee@demo.worklens.example"]).first()
    assert shot is not None
    image = owner.get(f"/screenshots/{shot.pk}/")
    assert image.status_code == 200
    assert image.content.startswith(b"\x89PNG")

    before = _counts()
    again = _seed(*HISTORY)
    assert again["company_id"] == demo["company_id"]
    assert _counts() == before


def test_the_history_follows_the_policy_as_an_agent_would() -> None:
    """Five-minute slots in the policy: slots of at most five minutes, each from a wall-clock
    multiple of five minutes or from its entry's start, and no span across a slot boundary."""
    _seed("--slot-seconds", "300", "--history", "--history-team-size", "1", "--history-days", "2")

    assert ActivitySlot.objects.aggregate(longest=Max("length_seconds"))["longest"] == 300
    entry_starts = set(TimeEntry.objects.values_list("started_at", flat=True))
    starts = list(ActivitySlot.objects.values_list("started_at", flat=True))
    assert len(starts) > 2 * 2 * 80  # two people, two days, about eight hours each
    assert all(s in entry_starts or (s.minute % 5, s.second) == (0, 0) for s in starts)
    for span in AppSpan.objects.all():
        crossed = [
            s for s in starts if span.started_at < s < span.ended_at and s not in entry_starts
        ]
        assert not crossed, span
