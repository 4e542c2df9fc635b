"""The apps' day totals (insights.AppDayTotal) from the app spans a batch actually inserted, in
the writing transaction: a re-sent span is not inserted, so it is not counted twice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.services.rows import Adapters, Columns, Constants
from worklens_server.ingest.services.writes import InsertRows
from worklens_server.insights.day_totals import add_spans, as_rows
from worklens_wire.v1 import AppSpan

APP_DAY_COLUMNS: Columns = (
    ("day", "date"),
    ("app", "text"),
    ("domain", "text"),
    ("seconds", "bigint"),
)
APP_DAY_CONFLICT = (
    "ON CONFLICT (member_id, day, app, domain) DO UPDATE SET "
    "seconds = insights_appdaytotal.seconds + excluded.seconds"
)


def add_app_day_totals(
    insert_rows: InsertRows,
    cursor: Any,
    a: Adapters,
    *,
    device: AuthenticatedDevice,
    owner: Constants,
    inserted: Sequence[AppSpan],
) -> None:
    if not inserted:
        return
    totals = add_spans(
        {},
        ((s.started_at, s.ended_at, s.app, s.url) for s in inserted),
        timezone_name=device.timezone,
    )
    rows = [(a.date(day), app, domain, seconds) for day, app, domain, seconds in as_rows(totals)]
    insert_rows(cursor, "insights_appdaytotal", owner[:2], APP_DAY_COLUMNS, rows, APP_DAY_CONFLICT)
