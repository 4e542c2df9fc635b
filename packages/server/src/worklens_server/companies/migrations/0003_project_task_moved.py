"""Project and Task belong to the projects app now (projects 0001 took their state, tracking
0004 moved the time entries' foreign keys): the companies app forgets them. Their tables and
rows stay; projects 0002 renames the tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0002_company_details"),
        ("projects", "0001_initial"),
        ("tracking", "0004_time_entry_project_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Task"),
                migrations.DeleteModel(name="Project"),
            ],
            database_operations=[],
        ),
    ]
