"""The apps and sites page's charts: top apps and top sites are the table's lines of each kind,
with the table's times, which are the raw spans; each bar is coloured by its label."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from chart_markup import SVG, bars, chart
from django.test import Client
from insights_kit import at, set_label, signed_in, table, upload
from server_testkit import EnrolledDevice, World

from worklens_server.formatting import clock
from worklens_server.insights.domains import domain_of
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


def _raw() -> Counter[str]:
    totals: Counter[str] = Counter()
    for span in AppSpan.objects.all():
        totals[domain_of(span.url) or span.app] += int((span.ended_at - span.started_at).seconds)
    return totals


@pytest.mark.parametrize("viewer", ["employee", "manager", "owner"])
def test_top_apps_and_sites_are_the_tables_lines_and_the_raw_spans(
    api: Client, world: World, device: EnrolledDevice, viewer: str
) -> None:
    upload(api, device, at(MONDAY, 8), SPANS)
    set_label(signed_in(world.owner), "app", "Terminal", "productive")
    member = getattr(world, viewer)
    path = f"/apps/members/{world.employee.pk}/" if viewer == "employee" else "/apps/everyone/"
    page = signed_in(member).get(path, {"period": "week"}).content.decode()
    rows = table(page, "apps-table")
    in_table = {row[0].split(" ")[0]: row[1] for row in rows}
    kinds = {row[0].split(" ")[0]: row[0].split(" ")[1] for row in rows}
    apps, sites = bars(page, "top-apps"), bars(page, "top-domains")
    assert apps == [("Terminal", 300), ("Zoom", 240)]
    assert sites == [("example.com", 660), ("docs.example.com", 120)]
    raw = _raw()
    for name, seconds in apps + sites:
        assert in_table[name] == clock(seconds) == clock(raw[name])
    assert {name for name, _ in apps} == {n for n, kind in kinds.items() if kind == "app"}
    terminal = next(chart(page, "top-apps").iter(f"{SVG}rect"))
    assert terminal.attrib["class"] == "chart-bar chart-bar-productive"
