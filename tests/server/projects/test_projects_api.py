"""GET /api/v1/projects: the open projects the device's member may use (open to everyone in the
company, or assigned to them), each with its open tasks; nothing of another company."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pydantic import TypeAdapter
from server_testkit import EnrolledDevice, World

from worklens_server.projects.models import Project
from worklens_server.projects.services import (
    add_task_by,
    assign_member_by,
    create_project_by,
    set_project_archived_by,
    set_task_archived_by,
    unassign_member_by,
)
from worklens_wire.v1 import ProjectOut

pytestmark = pytest.mark.django_db


def _listed(api: Client, device: EnrolledDevice) -> list[tuple[str, list[str]]]:
    response = api.get("/api/v1/projects", **device.auth)
    assert response.status_code == 200, response.content
    projects = TypeAdapter(list[ProjectOut]).validate_json(response.content)
    return [(p.name, [t.name for t in p.tasks]) for p in projects]


def test_only_open_projects_the_member_may_use_are_listed(
    api: Client, world: World, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    owner = world.owner
    theirs = create_project_by(actor=owner, name="Their project", task_names=["Write", "Old"])
    set_task_archived_by(actor=owner, task=theirs.tasks.get(name="Old"), archived=True)
    assign_member_by(actor=owner, project=theirs, member=world.employee)
    others = create_project_by(actor=owner, name="Someone else's")
    assign_member_by(actor=owner, project=others, member=world.loner)
    create_project_by(actor=owner, name="Nobody's yet")
    closed = create_project_by(actor=owner, name="Closed", everyone=True)
    set_project_archived_by(actor=owner, project=closed, archived=True)
    archived_and_assigned = create_project_by(actor=owner, name="Archived and mine")
    assign_member_by(actor=owner, project=archived_and_assigned, member=world.employee)
    set_project_archived_by(actor=owner, project=archived_and_assigned, archived=True)

    assert _listed(api, device) == [
        ("Support desk", ["Tickets"]),
        ("Their project", ["Write"]),
        ("Website", ["Build", "Design"]),
    ]
    assert _listed(api, outsider_device) == [("Secret plan", ["Hide"])]


def test_changes_show_on_the_next_fetch(api: Client, world: World, device: EnrolledDevice) -> None:
    owner = world.owner
    project = create_project_by(actor=owner, name="Launch")
    assert "Launch" not in dict(_listed(api, device))

    assign_member_by(actor=owner, project=project, member=world.employee)
    add_task_by(actor=owner, project=project, name="Press release")
    assert dict(_listed(api, device))["Launch"] == ["Press release"]

    unassign_member_by(actor=owner, project=project, member=world.employee)
    assert "Launch" not in dict(_listed(api, device))

    Project.objects.filter(pk=project.pk).update(everyone=True)
    assert "Launch" in dict(_listed(api, device))
    set_project_archived_by(actor=owner, project=project, archived=True)
    assert "Launch" not in dict(_listed(api, device))


def test_a_member_assigned_to_an_open_to_everyone_project_sees_it_once(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    assign_member_by(actor=world.owner, project=world.project, member=world.employee)
    assert [name for name, _ in _listed(api, device)] == ["Support desk", "Website"]


def test_openapi_docs_are_published(api: Client, world: World) -> None:
    assert api.get("/api/v1/docs").status_code == 200
    schema: dict[str, Any] = api.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) >= {
        "/api/v1/enroll",
        "/api/v1/policy",
        "/api/v1/batches",
        "/api/v1/screenshots",
        "/api/v1/projects",
        "/api/v1/device",
    }
    body = schema["paths"]["/api/v1/batches"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UploadBatch"
    }
    assert "ActivitySlot" in schema["components"]["schemas"]
