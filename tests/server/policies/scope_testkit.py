"""Helpers for the tests of team and member policies: signed-in clients, the override form as a
browser posts it, an enrolled device per member, and the policy the API serves it."""

from __future__ import annotations

from typing import Any

from django.test import Client
from server_testkit import EnrolledDevice, device_info

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.policies.models import Policy as PolicyRow
from worklens_server.policies.models import PolicyChange, PolicyOverride
from worklens_wire.v1 import Policy

SWITCHES = ("capture_activity", "capture_apps", "capture_titles", "capture_urls", "screenshot_blur")
NUMBERS = (
    "slot_seconds",
    "idle_threshold_seconds",
    "screenshots_per_interval",
    "screenshot_interval_seconds",
    "screenshot_quality",
    "screenshot_max_width",
)


def as_member(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def enroll(member: Member) -> EnrolledDevice:
    enrollment = enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    return EnrolledDevice(device_id=enrollment.device.id, token=enrollment.token, member=member)


def served(device: EnrolledDevice) -> Policy:
    """The policy GET /api/v1/policy answers this device with."""
    response = Client().get("/api/v1/policy", **device.auth)
    assert response.status_code == 200, response.content
    return Policy.model_validate_json(response.content)


def company_version(member: Member) -> int:
    return PolicyRow.objects.get(company_id=member.company_id).version


def override_form(version: int, **values: Any) -> dict[str, str]:
    """What the browser posts on a team or member policy page: a switch is "on", "off" or ""
    (inherit), a number or "" (inherit), the private apps a list (their own) or absent
    (inherit). Fields not named inherit."""
    data = {"version": str(version)}
    for name in SWITCHES:
        value = values.get(name)
        data[name] = "" if value is None else ("on" if value else "off")
    for name in NUMBERS:
        data[name] = "" if values.get(name) is None else str(values[name])
    apps = values.get("private_apps")
    data["private_apps_mode"] = "" if apps is None else "set"
    data["private_apps"] = "" if apps is None else "\n".join(apps)
    return data


def policy_rows() -> dict[str, int]:
    """How many override and history rows exist, and the sum of every company's version: what
    a refused request must leave as it was."""
    return {
        "overrides": PolicyOverride.objects.count(),
        "changes": PolicyChange.objects.count(),
        "versions": sum(PolicyRow.objects.values_list("version", flat=True)),
    }


def team_url(team: Any) -> str:
    return f"/teams/{team.pk}/policy/"


def member_url(member: Member) -> str:
    return f"/members/{member.pk}/policy/"
