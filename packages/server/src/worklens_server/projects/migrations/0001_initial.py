"""Project and Task move from the companies app to this one: the models' state moves here while
their tables stay as they are (`companies_project`, `companies_task`). Time entries' foreign keys
follow in tracking 0004, the companies app forgets the models in companies 0003, and projects
0002 renames the tables. No row is copied, so none can be lost."""

import uuid
from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps: Any, schema_editor: Any) -> None:
    """Permissions and anything else that names the models by content type follow them."""
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(content_type.objects.filter(app_label="projects").values_list("model", flat=True))
    content_type.objects.filter(app_label="companies", model__in=["project", "task"]).exclude(
        model__in=taken
    ).update(app_label="projects")


def restore_content_types(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="projects", model__in=["project", "task"]).update(
        app_label="companies"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("companies", "0002_company_details"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Project",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("is_archived", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "company",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="projects",
                                to="companies.company",
                            ),
                        ),
                    ],
                    options={"db_table": "companies_project"},
                ),
                migrations.CreateModel(
                    name="Task",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("is_archived", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="tasks",
                                to="projects.project",
                            ),
                        ),
                    ],
                    options={"db_table": "companies_task"},
                ),
                migrations.AddConstraint(
                    model_name="project",
                    constraint=models.UniqueConstraint(
                        fields=("company", "name"), name="project_name_unique_per_company"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="task",
                    constraint=models.UniqueConstraint(
                        fields=("project", "name"), name="task_name_unique_per_project"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
