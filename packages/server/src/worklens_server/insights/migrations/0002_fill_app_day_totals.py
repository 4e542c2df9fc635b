"""The apps' day totals of the spans stored before this app existed; ingest keeps them after."""

from django.db import migrations

from worklens_server.insights.backfill import fill_app_day_totals


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    fill_app_day_totals(
        member_model=apps.get_model("companies", "Member"),
        span_model=apps.get_model("tracking", "AppSpan"),
        total_model=apps.get_model("insights", "AppDayTotal"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_app_day_totals_and_labels"),
        ("tracking", "0004_time_entry_project_moved"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
