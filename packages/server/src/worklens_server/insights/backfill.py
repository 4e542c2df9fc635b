"""Filling the apps' day totals from app spans stored before the totals existed (the migration
that adds them, and the dashboard benchmark's database, whose spans are copied in directly).
Ingest keeps them from then on (ingest/services/app_days.py).

It takes the model classes, so the migration can pass its historical models: one member at a
time (a year of one member's spans is a few thousand rows), the spans read in start order through
the (member, started_at) index and added up in Python with the same code ingest uses.
"""

from __future__ import annotations

from typing import Any

from worklens_server.insights.day_totals import add_spans, as_rows

BATCH = 5000


def fill_app_day_totals(*, member_model: Any, span_model: Any, total_model: Any) -> int:
    """Replace every member's day totals by those of their stored spans; rows written."""
    total_model.objects.all().delete()
    members = member_model.objects.values_list(
        "pk", "company_id", "user__timezone", "company__timezone"
    )
    written = 0
    for member_id, company_id, own_zone, company_zone in members.iterator():
        spans = (
            span_model.objects.filter(member_id=member_id)
            .order_by()
            .values_list("started_at", "ended_at", "app", "url")
        )
        totals = add_spans(
            {}, spans.iterator(chunk_size=BATCH), timezone_name=own_zone or company_zone
        )
        rows = [
            total_model(
                company_id=company_id,
                member_id=member_id,
                day=day,
                app=app,
                domain=domain,
                seconds=seconds,
            )
            for day, app, domain, seconds in as_rows(totals)
        ]
        total_model.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written
