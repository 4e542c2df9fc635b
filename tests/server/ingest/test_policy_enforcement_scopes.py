"""Ingest holds each member to THEIR policy: what a team's or a member's own settings switch off
is not stored (rows and files counted), while other members' data is stored in full."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from server_testkit import (
    NOW,
    EnrolledDevice,
    World,
    batch,
    detail,
    device_info,
    post_json,
    slot,
    span,
    time_entry,
)

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.policies.services import set_policy_override
from worklens_server.tracking.models import ActivitySlot, AppSpan, Screenshot
from worklens_wire import new_id
from worklens_wire.v1 import ScreenshotRecord

pytestmark = pytest.mark.django_db

LEVELS = ("team", "member")


def _enroll(member: Member) -> EnrolledDevice:
    enrollment = enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    return EnrolledDevice(enrollment.device.id, enrollment.token, member)


def _switch_off(world: World, level: str, **changes: Any) -> None:
    scope = {"team": world.team} if level == "team" else {"member": world.employee}
    set_policy_override(actor=world.owner, changes=changes, **scope)


def _upload_day(api: Client, device: EnrolledDevice) -> None:
    entry = time_entry()
    sent = batch(
        device,
        time_entries=[entry],
        slots=[slot(entry.id, minute=m) for m in range(3)],
        app_spans=[span(entry.id, minute=m) for m in range(2)],
        screenshots=[
            ScreenshotRecord(
                id=new_id(), time_entry_id=entry.id, taken_at=NOW, skipped_reason="private_app"
            )
        ],
    )
    response = post_json(api, "/api/v1/batches", sent.model_dump_json(), **device.auth)
    assert response.status_code == 200, response.content


def _stored(member: Member) -> dict[str, int]:
    spans = AppSpan.objects.filter(member=member)
    slots = ActivitySlot.objects.filter(member=member)
    return {
        "spans": spans.count(),
        "titles": spans.exclude(title=None).count(),
        "urls": spans.exclude(url=None).count(),
        "counted_slots": slots.exclude(keyboard_events=0).count(),
        "screenshots": Screenshot.objects.filter(member=member).count(),
    }


EVERYTHING = {"spans": 2, "titles": 2, "urls": 2, "counted_slots": 3, "screenshots": 1}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("switch", "left_out"),
    [
        ({"capture_titles": False}, {"titles": 0}),
        ({"capture_urls": False}, {"urls": 0}),
        ({"capture_apps": False}, {"spans": 0, "titles": 0, "urls": 0}),
        ({"capture_activity": False}, {"counted_slots": 0}),
        ({"screenshots_per_interval": 0}, {"screenshots": 0}),
    ],
)
def test_each_switch_holds_at_team_and_member_level(
    api: Client,
    world: World,
    device: EnrolledDevice,
    level: str,
    switch: dict[str, Any],
    left_out: dict[str, int],
) -> None:
    loner = _enroll(world.loner)
    _switch_off(world, level, **switch)

    _upload_day(api, device)
    _upload_day(api, loner)

    assert _stored(world.employee) == EVERYTHING | left_out
    assert _stored(world.loner) == EVERYTHING


def test_a_members_own_setting_beats_their_teams(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    set_policy_override(actor=world.owner, team=world.team, changes={"capture_titles": False})
    manager = _enroll(world.manager)
    set_policy_override(actor=world.owner, member=world.employee, changes={"capture_titles": True})

    _upload_day(api, device)
    _upload_day(api, manager)

    assert _stored(world.employee) == EVERYTHING
    assert _stored(world.manager) == EVERYTHING | {"titles": 0}


def _image(width: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, 48), (200, 40, 90)).save(buffer, format="WEBP")
    return buffer.getvalue()


def _upload_image(api: Client, device: EnrolledDevice, **meta: Any) -> Any:
    entry = time_entry()
    sent = batch(device, time_entries=[entry])
    assert (
        post_json(api, "/api/v1/batches", sent.model_dump_json(), **device.auth).status_code == 200
    )
    fields: dict[str, Any] = {"id": new_id(), "time_entry_id": entry.id, "taken_at": NOW}
    record = ScreenshotRecord(**(fields | {"width": 64, "height": 48} | meta))
    return api.post(
        "/api/v1/screenshots",
        data={
            "meta": record.model_dump_json(),
            "image": SimpleUploadedFile("s.webp", _image(record.width), content_type="image/webp"),
        },
        **device.auth,
    )


def _files(settings: Any) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("switch", "meta", "problem"),
    [
        ({"screenshots_per_interval": 0}, {}, "screenshots are off"),
        ({"screenshot_blur": True}, {"blurred": False}, "blurs screenshots on the device"),
        ({"screenshot_max_width": 1280}, {"width": 1920}, "meta.width: 1920 pixels"),
    ],
)
def test_images_their_policy_rules_out_are_refused_and_no_file_is_written(
    api: Client,
    world: World,
    device: EnrolledDevice,
    settings: Any,
    level: str,
    switch: dict[str, Any],
    meta: dict[str, Any],
    problem: str,
) -> None:
    loner = _enroll(world.loner)
    _switch_off(world, level, **switch)

    refused = _upload_image(api, device, **meta)
    assert refused.status_code == 403
    assert problem in detail(refused)
    assert Screenshot.objects.filter(member=world.employee).count() == 0
    assert _files(settings) == []

    stored = _upload_image(api, loner, **meta)
    assert stored.status_code == 200, stored.content
    assert Screenshot.objects.filter(member=world.loner).exclude(image="").count() == 1
    assert len(_files(settings)) == 1
