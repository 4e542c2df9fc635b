from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0004_company_currency"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="week_starts_on",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Monday"), (6, "Sunday"), (5, "Saturday")], default=0
            ),
        ),
    ]
