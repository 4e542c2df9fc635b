"""Time entries carry the agent's idle mark: kept idle time, or a discarded idle stretch (its start
and end only). Existing entries are not idle time ("")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0004_time_entry_project_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="timeentry",
            name="idle",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "not idle time"),
                    ("kept", "idle time kept"),
                    ("discarded", "idle time discarded"),
                ],
                default="",
                max_length=9,
            ),
        ),
    ]
