"""The devices page: who sees which devices, enrollment codes, and revocation that stops the
device's token on its very next API request."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from server_testkit import (
    EnrolledDevice,
    World,
    batch,
    detail,
    device_info,
    post_batch,
    post_json,
    time_entry,
)

from worklens_server.companies.models import Member
from worklens_server.devices.models import Device
from worklens_server.devices.services import (
    enroll_device,
    issue_enrollment_code,
    update_device_info,
)
from worklens_server.policies.services import acknowledge_policy

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _named_device(member: Member, hostname: str) -> Device:
    info = device_info(hostname=hostname)
    return enroll_device(code=issue_enrollment_code(member=member), info=info).device


def test_a_member_sees_their_devices_with_their_capture_sources(
    world: World, device: EnrolledDevice
) -> None:
    update_device_info(
        device_id=device.device_id,
        info=device_info(
            hostname="eli-laptop",
            agent_version="0.2.0",
            sources=[
                {"name": "time", "available": True},
                {"name": "window", "available": False, "reason": "Wayland session: no X11"},
            ],
        ),
    )
    page = _client(world.employee).get("/devices/").content.decode()
    assert "eli-laptop" in page
    assert "0.2.0" in page
    assert "Debian 12" in page
    assert "✓ Timer" in page
    assert "✗ Active window" in page
    assert "Wayland session: no X11" in page
    assert 'id="member-devices"' not in page


@pytest.mark.parametrize(
    ("viewer", "sees", "does_not_see"),
    [
        ("owner", {"eli-laptop", "lou-laptop", "mia-laptop"}, {"boss-laptop"}),
        ("manager", {"eli-laptop", "mia-laptop"}, {"lou-laptop", "boss-laptop"}),
        ("employee", {"eli-laptop"}, {"lou-laptop", "mia-laptop", "boss-laptop"}),
        ("loner", {"lou-laptop"}, {"eli-laptop", "mia-laptop", "boss-laptop"}),
    ],
)
def test_devices_of_others_only_for_the_members_one_may_see(
    world: World, viewer: str, sees: set[str], does_not_see: set[str]
) -> None:
    _named_device(world.employee, "eli-laptop")
    _named_device(world.loner, "lou-laptop")
    _named_device(world.manager, "mia-laptop")
    _named_device(world.outsider_employee, "boss-laptop")
    page = _client(getattr(world, viewer)).get("/devices/").content.decode()
    assert all(name in page for name in sees), sees
    assert not any(name in page for name in does_not_see), does_not_see


def test_a_code_is_shown_once_with_the_command_and_expiry_and_enrolls(world: World) -> None:
    acknowledge_policy(member=world.loner, version=1)
    response = _client(world.loner).post("/devices/codes/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    code = re.search(r'id="enrollment-code">([A-Z0-9-]+)<', body)
    assert code, body
    assert f"worklens-agent enroll http://testserver {code.group(1)}" in body
    assert "expires" in body
    request = {"code": code.group(1), "device": device_info().model_dump(mode="json")}
    enrolled = post_json(Client(), "/api/v1/enroll", json.dumps(request))
    assert enrolled.status_code == 201
    assert Device.objects.get(pk=enrolled.json()["device_id"]).member == world.loner


def test_revoking_on_the_page_stops_the_token_on_the_next_request(
    world: World, device: EnrolledDevice, api: Client
) -> None:
    assert api.get("/api/v1/policy", **device.auth).status_code == 200
    response = _client(world.employee).post(f"/devices/{device.device_id}/revoke/")
    assert response.status_code == 302
    refused = api.get("/api/v1/policy", **device.auth)
    assert (refused.status_code, detail(refused)) == (401, "device token was revoked")
    refused = post_batch(api, device, batch(device, time_entries=[time_entry()]))
    assert (refused.status_code, detail(refused)) == (401, "device token was revoked")
    assert "revoked" in _client(world.employee).get("/devices/").content.decode()


def test_a_manager_revokes_a_team_members_device_but_not_others(
    world: World, device: EnrolledDevice, api: Client
) -> None:
    lou = _named_device(world.loner, "lou-laptop")
    assert _client(world.manager).post(f"/devices/{lou.pk}/revoke/").status_code == 404
    assert _client(world.employee).post(f"/devices/{lou.pk}/revoke/").status_code == 404
    assert _client(world.outsider_owner).post(f"/devices/{lou.pk}/revoke/").status_code == 404
    lou.refresh_from_db()
    assert lou.revoked_at is None
    assert _client(world.manager).post(f"/devices/{device.device_id}/revoke/").status_code == 302
    assert api.get("/api/v1/projects", **device.auth).status_code == 401
