"""The apps and sites report: time per app and per web domain for a member, a team and everyone
the viewer sees, over a day, week, month or range of the members' own days. The figures are
checked against the raw spans uploaded through the agent API."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import Client
from insights_kit import at, by_first_cell, enrolled, signed_in, table, upload
from server_testkit import EnrolledDevice, World, post_batch

from worklens_server.accounts.models import User
from worklens_server.formatting import clock
from worklens_server.insights.domains import domain_of
from worklens_server.insights.models import AppDayTotal
from worklens_server.tracking.models import AppSpan

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 15)
SPANS = [
    (0, 600, "Firefox", "https://www.example.com/pricing"),
    (600, 300, "Terminal", None),
    (900, 120, "Chromium", "https://docs.example.com/a?b=c"),
    (1020, 60, "Firefox", "https://example.com/x"),
    (1080, 240, "Zoom", None),
]


def _raw_totals(member_id: object) -> Counter[str]:
    """What the report must show, from the raw spans: seconds by domain, else by app."""
    totals: Counter[str] = Counter()
    for span in AppSpan.objects.filter(member_id=member_id):
        seconds = int((span.ended_at - span.started_at).total_seconds())
        totals[domain_of(span.url) or span.app] += seconds
    return totals


def _apps(page: str) -> dict[str, tuple[str, str]]:
    """The apps table as {name: (time, share)} (the name cell also holds a badge)."""
    return {row[0].split(" ")[0]: (row[1], row[2]) for row in table(page, "apps-table")}


def test_a_members_apps_and_domains_add_up_to_the_raw_spans(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    upload(api, device, at(MONDAY, 8), SPANS)
    page = signed_in(world.employee).get(f"/apps/members/{world.employee.pk}/?period=week")
    assert page.status_code == 200
    shown = _apps(page.content.decode())
    raw = _raw_totals(world.employee.pk)
    assert raw == {"example.com": 660, "Terminal": 300, "Zoom": 240, "docs.example.com": 120}
    assert {name: time for name, (time, _) in shown.items()} == {
        name: clock(seconds) for name, seconds in raw.items()
    }
    assert shown["example.com"][1] == "50%"  # 660 of 1320
    assert list(shown) == ["example.com", "Terminal", "Zoom", "docs.example.com"]  # by time


def test_a_resent_batch_counts_once(api: Client, world: World, device: EnrolledDevice) -> None:
    [sent] = upload(api, device, at(MONDAY, 8), SPANS)
    assert post_batch(api, device, sent).status_code == 200
    assert sum(AppDayTotal.objects.values_list("seconds", flat=True)) == 1320


def test_a_span_across_the_members_midnight_counts_on_both_days(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    """Berlin is UTC+2 in June: 21:50 to 22:10 UTC is 23:50 to 00:10 there."""
    upload(api, device, at(MONDAY, 21, 50), [(0, 1200, "Code", None)])
    client = signed_in(world.owner)
    url = f"/apps/members/{world.employee.pk}/?period=day&date="
    monday = _apps(client.get(url + "2026-06-15").content.decode())
    tuesday = _apps(client.get(url + "2026-06-16").content.decode())
    assert monday["Code"][0] == clock(600)
    assert tuesday["Code"][0] == clock(600)


def test_days_follow_the_members_own_time_zone(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    User.objects.filter(pk=world.employee.user_id).update(timezone="America/New_York")
    # The zone is read when the device authenticates: 02:00 UTC on Tuesday is Monday in New York.
    upload(api, device, at(MONDAY + dt.timedelta(days=1), 2), [(0, 600, "Code", None)])
    url = f"/apps/members/{world.employee.pk}/?period=day&date=2026-06-15"
    assert _apps(signed_in(world.owner).get(url).content.decode())["Code"][0] == clock(600)


def test_team_and_everyone_sum_their_members(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    loner = enrolled(world.loner)
    upload(api, device, at(MONDAY, 8), SPANS)
    upload(api, loner, at(MONDAY, 8), [(0, 900, "Terminal", None)])
    month = "?period=month&date=2026-06-01"
    owner = signed_in(world.owner)
    everyone = _apps(owner.get(f"/apps/everyone/{month}").content.decode())
    assert everyone["Terminal"][0] == clock(1200)
    team = _apps(owner.get(f"/apps/teams/{world.team.pk}/{month}").content.decode())
    assert team["Terminal"][0] == clock(300)  # the loner is in no team
    # The team's manager sees their team only, also on "everyone you see".
    manager = _apps(signed_in(world.manager).get(f"/apps/everyone/{month}").content.decode())
    assert manager["Terminal"][0] == clock(300)


def test_periods_day_week_month_and_range(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    upload(api, device, at(MONDAY, 8), [(0, 600, "Code", None)])
    upload(api, device, at(dt.date(2026, 5, 29), 8), [(0, 300, "Code", None)])
    client = signed_in(world.employee)
    base = f"/apps/members/{world.employee.pk}/"
    cases = {
        "?period=day&date=2026-06-15": 600,
        "?period=week&date=2026-06-17": 600,
        "?period=month&date=2026-06-17": 600,
        "?period=month&date=2026-05-02": 300,
        "?period=range&from=2026-05-29&to=2026-06-15": 900,
    }
    for query, seconds in cases.items():
        assert _apps(client.get(base + query).content.decode())["Code"][0] == clock(seconds)
    bad = client.get(base + "?period=range&from=2026-06-15&to=2026-01-01")
    assert bad.status_code == 400


def test_scores_per_member_link_to_their_report(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    upload(api, device, at(MONDAY, 8), SPANS, slots=[(0, 600, 600), (600, 720, 0)])
    page = signed_in(world.owner).get("/apps/everyone/?period=week&date=2026-06-15")
    rows = by_first_cell(table(page.content.decode(), "scores-table"))
    tracked, score, parts = rows["Eli Employee"]
    assert tracked == clock(1320)
    assert score == "0%"
    assert "unlabelled 100%" in parts
    assert f'href="/apps/members/{world.employee.pk}/' in page.content.decode()


def test_weeks_start_on_the_companys_first_weekday(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    upload(api, device, at(dt.date(2026, 6, 14), 8), [(0, 600, "Code", None)])  # a Sunday
    url = f"/apps/members/{world.employee.pk}/?period=week&date=2026-06-15"
    client = signed_in(world.employee)
    monday_week = client.get(url).content.decode()  # Monday 15 to Sunday 21 June
    assert "15 Jun 2026 to 21 Jun 2026" in monday_week
    assert "No app time recorded in this period." in monday_week
    type(world.company).objects.filter(pk=world.company.pk).update(week_starts_on=6)
    page = client.get(url).content.decode()
    assert "14 Jun 2026 to 20 Jun 2026" in page
    assert _apps(page)["Code"][0] == clock(600)
