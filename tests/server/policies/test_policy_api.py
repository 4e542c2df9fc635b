"""GET /api/v1/policy and policy changes."""

from __future__ import annotations

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, detail

from worklens_server.policies.services import update_policy
from worklens_wire.v1 import Policy

pytestmark = pytest.mark.django_db


def test_device_gets_its_companys_policy(api: Client, world: World, device: EnrolledDevice) -> None:
    response = api.get("/api/v1/policy", **device.auth)
    assert response.status_code == 200, response.content
    assert Policy.model_validate_json(response.content) == Policy(version=1)


def test_a_change_bumps_the_version_and_reaches_the_device(
    api: Client, world: World, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    update_policy(company=world.company, slot_seconds=60, capture_urls=False)
    update_policy(company=world.company, slot_seconds=60)  # no change, no new version

    policy = Policy.model_validate_json(api.get("/api/v1/policy", **device.auth).content)
    assert (policy.version, policy.slot_seconds, policy.capture_urls) == (2, 60, False)
    other = Policy.model_validate_json(api.get("/api/v1/policy", **outsider_device.auth).content)
    assert other == Policy(version=1)


def test_a_policy_agents_would_reject_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="slot_seconds"):
        update_policy(company=world.company, slot_seconds=1)
    with pytest.raises(ValueError, match="unknown policy fields: keystrokes"):
        update_policy(company=world.company, keystrokes=True)


def test_policy_needs_a_device_token(api: Client, world: World) -> None:
    response = api.get("/api/v1/policy", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 401
    assert detail(response) == "Authorization header must be 'Bearer <device token>'"
