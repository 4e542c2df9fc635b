"""Project and Task moved from the companies app to the projects app: a database made before the
move (companies 0002, tracking 0003) keeps every project, task and time entry reference through
`migrate`, on SQLite and on PostgreSQL, and every project that existed is open to everyone."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from worklens_server.companies.models import Company
from worklens_server.projects.models import Assignment, Project, Task
from worklens_server.tracking.models import EntryDayRollup, TimeEntry

BEFORE_THE_MOVE = [
    ("companies", "0002_company_details"),
    ("tracking", "0003_entry_day_rollup"),
    ("projects", None),
]
START = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> Any:
    """Migrates to `targets` (None: the latest); the models of the state the database is in."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    applied = MigrationExecutor(connection)  # reads what is applied now
    return applied._create_project_state(with_applied_migrations=True).apps


def _old_rows(apps: Any) -> dict[str, Any]:
    user = apps.get_model("accounts", "User").objects.create(email="old@acme.example")
    companies = apps.get_model("companies", "Company")
    swiss = companies.objects.create(name="Old Swiss", country="CH")
    german = companies.objects.create(name="Old German", country="DE")
    member = apps.get_model("companies", "Member").objects.create(
        company=swiss, user=user, role="employee"
    )
    projects = apps.get_model("companies", "Project")
    tasks = apps.get_model("companies", "Task")
    website = projects.objects.create(company=swiss, name="Website")
    design = tasks.objects.create(project=website, name="Design")
    old = projects.objects.create(company=german, name="Old", is_archived=True)
    tasks.objects.create(project=old, name="Gone", is_archived=True)
    device = apps.get_model("devices", "Device").objects.create(
        company=swiss,
        member=member,
        token_hash="0" * 64,
        installation_id=uuid.uuid4(),
        os_name="Linux",
        machine_id_hash="1" * 64,
        timezone="UTC",
        agent_version="0.1.0",
    )
    entry = apps.get_model("tracking", "TimeEntry").objects.create(
        id=uuid.uuid4(),
        company=swiss,
        member=member,
        device=device,
        started_at=START,
        stopped_at=START + dt.timedelta(hours=2),
        project=website,
        task=design,
    )
    apps.get_model("tracking", "EntryDayRollup").objects.create(
        company=swiss, member=member, time_entry=entry, day=START.date(), tracked_seconds=7200
    )
    return {
        "swiss": swiss.pk,
        "german": german.pk,
        "website": website.pk,
        "design": design.pk,
        "old": old.pk,
        "entry": entry.pk,
        "device": device.pk,
        "member": member.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_projects_tasks_and_entries_survive_the_move() -> None:
    before = _old_rows(_migrate(BEFORE_THE_MOVE))
    assert "companies_project" in connection.introspection.table_names()

    _migrate()

    tables = connection.introspection.table_names()
    assert {"projects_project", "projects_task", "projects_assignment"} <= set(tables)
    assert not {"companies_project", "companies_task"} & set(tables)
    assert sorted(Project.objects.values_list("name", "is_archived", "everyone")) == [
        ("Old", True, True),
        ("Website", False, True),
    ]
    assert sorted(Task.objects.values_list("name", "project__name", "is_archived")) == [
        ("Design", "Website", False),
        ("Gone", "Old", True),
    ]
    assert Assignment.objects.count() == 0
    entry = TimeEntry.objects.select_related("project", "task").get(pk=before["entry"])
    assert (entry.project.pk, entry.task.pk) == (before["website"], before["design"])  # type: ignore[union-attr]
    assert EntryDayRollup.objects.get(time_entry=entry).tracked_seconds == 7200
    currencies = dict(Company.objects.values_list("pk", "currency"))
    assert (currencies[before["swiss"]], currencies[before["german"]]) == ("CHF", "EUR")

    # The time entries' foreign keys now point at the renamed tables, in the database too.
    newer = Project.objects.create(company_id=before["swiss"], name="After the move")
    TimeEntry.objects.create(
        id=uuid.uuid4(),
        company_id=before["swiss"],
        member_id=before["member"],
        device_id=before["device"],
        started_at=START,
        project=newer,
    )
    with pytest.raises(IntegrityError):
        TimeEntry.objects.create(
            id=uuid.uuid4(),
            company_id=before["swiss"],
            member_id=before["member"],
            device_id=before["device"],
            started_at=START,
            project_id=uuid.uuid4(),
        )
