"""GET /api/v1/projects: the device's company's projects and tasks, nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from pydantic import TypeAdapter
from server_testkit import EnrolledDevice, World

from worklens_server.companies.models import Project, Task
from worklens_wire.v1 import ProjectOut

pytestmark = pytest.mark.django_db


def test_projects_are_scoped_to_the_devices_company(
    api: Client, world: World, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    Project.objects.create(company=world.company, name="Old", is_archived=True)
    Task.objects.create(project=world.project, name="Abandoned", is_archived=True)

    response = api.get("/api/v1/projects", **device.auth)

    assert response.status_code == 200, response.content
    projects = TypeAdapter(list[ProjectOut]).validate_json(response.content)
    assert [(p.name, [t.name for t in p.tasks]) for p in projects] == [
        ("Support desk", ["Tickets"]),
        ("Website", ["Build", "Design"]),
    ]
    assert projects[1].id == world.project.id
    theirs = TypeAdapter(list[ProjectOut]).validate_json(
        api.get("/api/v1/projects", **outsider_device.auth).content
    )
    assert [p.name for p in theirs] == ["Secret plan"]


def test_openapi_docs_are_published(api: Client, world: World) -> None:
    assert api.get("/api/v1/docs").status_code == 200
    schema = api.get("/api/v1/openapi.json").json()
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
