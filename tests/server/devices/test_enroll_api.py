"""POST /api/v1/enroll and PUT /api/v1/device."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone
from server_testkit import EnrolledDevice, World, detail, device_info, post_json

from worklens_server.devices.models import Device, EnrollmentCode
from worklens_server.devices.services import issue_enrollment_code
from worklens_wire.v1 import EnrollRequest, EnrollResponse

pytestmark = pytest.mark.django_db


def _enroll(api: Client, code: str) -> object:
    return post_json(
        api, "/api/v1/enroll", EnrollRequest(code=code, device=device_info()).model_dump_json()
    )


def test_valid_code_enrolls_a_device_and_stores_only_hashes(api: Client, world: World) -> None:
    code = issue_enrollment_code(member=world.employee)
    info = device_info(hostname="eli-laptop")

    response = post_json(
        api, "/api/v1/enroll", EnrollRequest(code=code.lower(), device=info).model_dump_json()
    )

    assert response.status_code == 201, response.content
    enrolled = EnrollResponse.model_validate_json(response.content)
    assert (enrolled.company_name, enrolled.member_email) == ("Acme", "employee@acme.example")
    device = Device.objects.get(id=enrolled.device_id)
    assert device.member_id == world.employee.id
    assert device.company_id == world.company.id
    assert (device.hostname, device.timezone, device.os_name) == (
        "eli-laptop",
        "Europe/Berlin",
        "Linux",
    )
    assert device.sources == [{"name": "time", "available": True, "reason": ""}]
    assert device.token_hash == hashlib.sha256(enrolled.token.encode()).hexdigest()
    stored_code = EnrollmentCode.objects.get()
    assert stored_code.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert stored_code.device_id == device.id
    every_column = json.dumps(list(Device.objects.values()), default=str)
    every_column += json.dumps(list(EnrollmentCode.objects.values()), default=str)
    assert enrolled.token not in every_column
    assert code not in every_column


def test_used_code_is_refused(api: Client, world: World) -> None:
    code = issue_enrollment_code(member=world.employee)
    assert _enroll(api, code).status_code == 201  # type: ignore[attr-defined]
    response = _enroll(api, code)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert detail(response) == "enrollment code is already used"
    assert Device.objects.count() == 1


def test_expired_code_is_refused(api: Client, world: World) -> None:
    code = issue_enrollment_code(member=world.employee)
    EnrollmentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _enroll(api, code)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert detail(response) == "enrollment code is expired"
    assert Device.objects.count() == 0


def test_unknown_code_is_refused(api: Client, world: World) -> None:
    response = _enroll(api, "NOPE-NOPE-NOPE")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert detail(response) == "enrollment code is invalid"
    assert Device.objects.count() == 0


def test_enroll_with_unknown_contract_version_is_400(api: Client, world: World) -> None:
    body = json.loads(
        EnrollRequest(
            code=issue_enrollment_code(member=world.employee), device=device_info()
        ).model_dump_json()
    )
    body["contract_version"] = "v9"
    response = post_json(api, "/api/v1/enroll", json.dumps(body))
    assert response.status_code == 400
    assert detail(response) == "unsupported contract version 'v9'; this server speaks v1"
    assert Device.objects.count() == 0


def test_enroll_with_bad_device_info_names_the_field(api: Client, world: World) -> None:
    body = json.loads(
        EnrollRequest(
            code=issue_enrollment_code(member=world.employee), device=device_info()
        ).model_dump_json()
    )
    body["device"]["timezone"] = "Mars/Olympus"
    response = post_json(api, "/api/v1/enroll", json.dumps(body))
    assert response.status_code == 422
    assert detail(response) == "device.timezone: unknown IANA timezone 'Mars/Olympus'"
    assert Device.objects.count() == 0


def test_put_device_updates_info_and_sources(api: Client, device: EnrolledDevice) -> None:
    info = device_info(
        hostname="renamed",
        agent_version="0.2.0",
        sources=[{"name": "screenshot", "available": False, "reason": "Wayland"}],
    )
    response = api.put(
        "/api/v1/device",
        data=info.model_dump_json(),
        content_type="application/json",
        **device.auth,
    )
    assert response.status_code == 204, response.content
    stored = Device.objects.get(id=device.device_id)
    assert (stored.hostname, stored.agent_version) == ("renamed", "0.2.0")
    assert stored.sources == [{"name": "screenshot", "available": False, "reason": "Wayland"}]
