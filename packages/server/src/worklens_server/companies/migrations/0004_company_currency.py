"""Company.currency (ISO 4217) for billable rates: each existing company gets its country's."""

from typing import Any

from django.db import migrations, models

from worklens_server.companies.currencies import currency_for_country


def from_country(apps: Any, schema_editor: Any) -> None:
    company_model = apps.get_model("companies", "Company")
    for company in company_model.objects.exclude(country="").only("pk", "country"):
        currency = currency_for_country(company.country)
        if currency != "EUR":
            company_model.objects.filter(pk=company.pk).update(currency=currency)


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0003_project_task_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="currency",
            field=models.CharField(default="EUR", max_length=3),
        ),
        migrations.RunPython(from_country, migrations.RunPython.noop),
    ]
