"""POST /api/v1/batches and projects: a new time entry on an archived project or task, or on a
project its member may not use, is refused with 422 naming the field, and nothing of the batch
is stored; an entry stored before keeps its project, so its stop is still accepted after the
project is archived or its member unassigned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from server_testkit import (
    NOW,
    EnrolledDevice,
    World,
    batch,
    detail,
    post_batch,
    row_counts,
    slot,
    time_entry,
)

from worklens_server.devices.selectors import find_device_by_token
from worklens_server.ingest.services.checks import check_projects
from worklens_server.projects.models import Project
from worklens_server.projects.services import (
    assign_member_by,
    create_project_by,
    set_project_archived_by,
    set_task_archived_by,
    unassign_member_by,
)
from worklens_server.tracking.models import TimeEntry
from worklens_wire.v1 import TimeEntry as WireTimeEntry

pytestmark = pytest.mark.django_db


def _refused(api: Client, device: EnrolledDevice, entry: WireTimeEntry, message: str) -> None:
    before = row_counts()
    response = post_batch(api, device, batch(device, time_entries=[entry], slots=[slot(entry.id)]))
    assert response.status_code == 422, response.content
    assert detail(response) == message
    assert row_counts() == before


def _stored(api: Client, device: EnrolledDevice, entry: WireTimeEntry, **items: Any) -> None:
    response = post_batch(api, device, batch(device, time_entries=[entry], **items))
    assert response.status_code == 200, response.content


@pytest.fixture
def assigned(world: World) -> Project:
    """A project the employee is assigned to, with tasks Draft and Edit."""
    project = create_project_by(actor=world.owner, name="Brochure", task_names=["Draft", "Edit"])
    assign_member_by(actor=world.owner, project=project, member=world.employee)
    return project


def test_a_new_entry_on_an_archived_project_is_refused(
    api: Client, world: World, device: EnrolledDevice, assigned: Project
) -> None:
    set_project_archived_by(actor=world.owner, project=assigned, archived=True)
    entry = time_entry(project_id=assigned.pk)
    _refused(api, device, entry, 'time_entries[0].project_id: project "Brochure" is archived')


def test_a_new_entry_on_an_archived_task_is_refused(
    api: Client, world: World, device: EnrolledDevice, assigned: Project
) -> None:
    draft = assigned.tasks.get(name="Draft")
    set_task_archived_by(actor=world.owner, task=draft, archived=True)
    entry = time_entry(project_id=assigned.pk, task_id=draft.pk)
    _refused(api, device, entry, 'time_entries[0].task_id: task "Draft" is archived')
    _stored(
        api, device, time_entry(project_id=assigned.pk, task_id=assigned.tasks.get(name="Edit").pk)
    )


def test_a_project_the_member_is_not_assigned_to_is_refused(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    project = create_project_by(actor=world.owner, name="Payroll")
    assign_member_by(actor=world.owner, project=project, member=world.loner)
    first, second = time_entry(), time_entry(project_id=project.pk)
    before = row_counts()
    response = post_batch(api, device, batch(device, time_entries=[first, second]))
    assert response.status_code == 422
    assert detail(response) == (
        'time_entries[1].project_id: project "Payroll" is not open to this member '
        "(ask a manager to assign them)"
    )
    assert row_counts() == before


def test_an_assigned_or_open_to_everyone_project_is_accepted(
    api: Client, world: World, device: EnrolledDevice, assigned: Project
) -> None:
    design = world.project.tasks.get(name="Design")
    _stored(api, device, time_entry(project_id=assigned.pk))
    _stored(api, device, time_entry(project_id=world.project.pk, task_id=design.pk))
    assert TimeEntry.objects.filter(member=world.employee).count() == 2


@pytest.mark.parametrize("change", ["archive project", "archive task", "unassign member"])
def test_the_stop_of_an_entry_started_before_the_change_is_accepted(
    api: Client, world: World, device: EnrolledDevice, assigned: Project, change: str
) -> None:
    draft = assigned.tasks.get(name="Draft")
    started = time_entry(project_id=assigned.pk, task_id=draft.pk)
    _stored(api, device, started)
    if change == "archive project":
        set_project_archived_by(actor=world.owner, project=assigned, archived=True)
    elif change == "archive task":
        set_task_archived_by(actor=world.owner, task=draft, archived=True)
    else:
        unassign_member_by(actor=world.owner, project=assigned, member=world.employee)

    stopped = started.model_copy(update={"stopped_at": NOW - dt.timedelta(minutes=30)})
    _stored(api, device, stopped, slots=[slot(started.id)])

    entry = TimeEntry.objects.get(pk=started.id)
    assert (entry.project_id, entry.task_id) == (assigned.pk, draft.pk)
    assert entry.stopped_at == stopped.stopped_at
    assert entry.slots.count() == 1
    # A new entry on it is refused all the same.
    refused = time_entry(project_id=assigned.pk, task_id=draft.pk)
    assert post_batch(api, device, batch(device, time_entries=[refused])).status_code == 422


def test_a_stored_entry_moved_to_an_archived_project_is_refused(
    api: Client, world: World, device: EnrolledDevice, assigned: Project
) -> None:
    started = time_entry(project_id=world.project.pk)
    _stored(api, device, started)
    set_project_archived_by(actor=world.owner, project=assigned, archived=True)
    moved = started.model_copy(
        update={"project_id": assigned.pk, "stopped_at": NOW - dt.timedelta(minutes=5)}
    )
    _refused(api, device, moved, 'time_entries[0].project_id: project "Brochure" is archived')
    assert TimeEntry.objects.get(pk=started.id).project_id == world.project.pk


def test_the_check_costs_one_query_and_none_without_projects(
    world: World,
    device: EnrolledDevice,
    assigned: Project,
    django_assert_num_queries: Any,
) -> None:
    authenticated = find_device_by_token(token=device.token)
    assert authenticated is not None
    entries = [
        time_entry(project_id=assigned.pk, task_id=assigned.tasks.get(name="Draft").pk),
        time_entry(project_id=world.project.pk),
        time_entry(),
    ]
    with django_assert_num_queries(1):
        check_projects(device=authenticated, batch=batch(device, time_entries=entries))
    with django_assert_num_queries(0):
        check_projects(device=authenticated, batch=batch(device, time_entries=[time_entry()]))
