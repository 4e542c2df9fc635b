"""The moved tables get the projects app's names, and projects gain who may use them (open to
everyone, or assigned members with their own rates), a budget in hours and an hourly rate.

Every project that existed before is open to everyone: until now every member could use every
project of the company, so no agent loses a project by this migration."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def open_existing_to_everyone(apps: Any, schema_editor: Any) -> None:
    apps.get_model("projects", "Project").objects.update(everyone=True)


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0003_project_task_moved"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="project", table=None),
        migrations.AlterModelTable(name="task", table=None),
        migrations.AddField(
            model_name="project",
            name="everyone",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(open_existing_to_everyone, migrations.RunPython.noop),
        migrations.AddField(
            model_name="project",
            name="budget_hours",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name="project",
            name="hourly_rate",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True),
        ),
        migrations.AddField(
            model_name="project",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="companies.member",
            ),
        ),
        migrations.CreateModel(
            name="Assignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "hourly_rate",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="project_assignments",
                        to="companies.member",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="projects.project",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("project", "member"), name="assignment_unique")
                ],
            },
        ),
    ]
