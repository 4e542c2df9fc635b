"""The migration that adds the apps' day totals fills them from the spans already stored: the
same rows ingest writes for those spans (so a server upgraded with a year of data shows it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from insights_kit import at, upload
from server_testkit import EnrolledDevice, World

from worklens_server.companies.models import Member
from worklens_server.insights.backfill import fill_app_day_totals
from worklens_server.insights.models import AppDayTotal
from worklens_server.tracking.models import AppSpan

pytestmark = pytest.mark.django_db


def _totals() -> list[tuple[object, ...]]:
    return list(
        AppDayTotal.objects.order_by("member_id", "day", "app", "domain").values_list(
            "company_id", "member_id", "day", "app", "domain", "seconds"
        )
    )


def test_filling_from_spans_gives_what_ingest_kept(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    monday = dt.date(2026, 6, 15)
    upload(
        api,
        device,
        at(monday, 21, 50),  # 23:50 in Berlin: the first span crosses the member's midnight
        [(0, 1200, "Code", None), (1200, 90, "Firefox", "https://www.Example.com/a")],
    )
    upload(api, device, at(monday, 8), [(0, 300, "Firefox", "about:blank")])
    kept = _totals()
    assert len(kept) == 4
    written = fill_app_day_totals(member_model=Member, span_model=AppSpan, total_model=AppDayTotal)
    assert written == 4
    assert _totals() == kept
