"""What the member's effective policy switches off is not stored, whatever the agent sends: the
rows and files are counted, and the answer says what was left out and why."""

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
    post_json,
    slot,
    span,
    time_entry,
)

from worklens_server.policies.services import update_policy
from worklens_server.tracking.models import ActivitySlot, AppSpan, Screenshot
from worklens_wire import new_id
from worklens_wire.v1 import ACCEPTS_HEADER, ACCEPTS_NOT_STORED, BatchAck, ScreenshotRecord

pytestmark = pytest.mark.django_db

ACCEPTS = {"HTTP_" + ACCEPTS_HEADER.upper().replace("-", "_"): ACCEPTS_NOT_STORED}


def _ack(api: Client, device: EnrolledDevice, **items: Any) -> BatchAck:
    sent = batch(device, **items)
    response = post_json(api, "/api/v1/batches", sent.model_dump_json(), **device.auth, **ACCEPTS)
    assert response.status_code == 200, response.content
    return BatchAck.model_validate_json(response.content)


def _day(device: EnrolledDevice) -> dict[str, Any]:
    entry = time_entry()
    return {
        "time_entries": [entry],
        "slots": [slot(entry.id, minute=m) for m in range(3)],
        "app_spans": [span(entry.id, minute=m) for m in range(2)],
        "screenshots": [
            ScreenshotRecord(
                id=new_id(), time_entry_id=entry.id, taken_at=NOW, skipped_reason="private_app"
            )
        ],
    }


def _notes(ack: BatchAck) -> list[tuple[str, int]]:
    return [(note.what, note.count) for note in ack.not_stored]


def test_everything_on_stores_everything(api: Client, device: EnrolledDevice) -> None:
    ack = _ack(api, device, **_day(device))
    assert (ack.stored, ack.not_stored) == (7, [])
    assert AppSpan.objects.exclude(title=None).exclude(url=None).count() == 2


def test_titles_off_drops_the_titles(api: Client, world: World, device: EnrolledDevice) -> None:
    update_policy(company=world.company, capture_titles=False)
    ack = _ack(api, device, **_day(device))
    assert _notes(ack) == [("app_spans.title", 2)]
    assert "window titles are off" in ack.not_stored[0].reason
    assert AppSpan.objects.count() == 2
    assert AppSpan.objects.exclude(title=None).count() == 0
    assert AppSpan.objects.exclude(url=None).count() == 2


def test_urls_off_drops_the_urls(api: Client, world: World, device: EnrolledDevice) -> None:
    update_policy(company=world.company, capture_urls=False)
    ack = _ack(api, device, **_day(device))
    assert _notes(ack) == [("app_spans.url", 2)]
    assert AppSpan.objects.exclude(url=None).count() == 0
    assert AppSpan.objects.exclude(title=None).count() == 2


def test_apps_off_stores_no_span(api: Client, world: World, device: EnrolledDevice) -> None:
    update_policy(company=world.company, capture_apps=False)
    ack = _ack(api, device, **_day(device))
    assert _notes(ack) == [("app_spans", 2)]
    assert (ack.received, ack.stored, ack.duplicates) == (7, 5, 0)
    assert AppSpan.objects.count() == 0


def test_activity_off_stores_the_time_without_counts(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    update_policy(company=world.company, capture_activity=False)
    ack = _ack(api, device, **_day(device))
    assert _notes(ack) == [("slots.activity", 3)]
    slots = ActivitySlot.objects.values_list(
        "length_seconds", "active_seconds", "keyboard_events", "mouse_events"
    )
    assert sorted(slots) == [(60, 0, 0, 0)] * 3


def test_screenshots_off_stores_no_screenshot_record(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    update_policy(company=world.company, screenshots_per_interval=0)
    ack = _ack(api, device, **_day(device))
    assert _notes(ack) == [("screenshots", 1)]
    assert Screenshot.objects.count() == 0


def _image(width: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, 48), (200, 40, 90)).save(buffer, format="WEBP")
    return buffer.getvalue()


def _upload(api: Client, device: EnrolledDevice, **meta: Any) -> Any:
    entry = time_entry()
    _ack(api, device, time_entries=[entry])
    fields: dict[str, Any] = {"id": new_id(), "time_entry_id": entry.id, "taken_at": NOW}
    fields |= {"width": 64, "height": 48} | meta
    record = ScreenshotRecord(**fields)
    image = _image(record.width)
    return api.post(
        "/api/v1/screenshots",
        data={
            "meta": record.model_dump_json(),
            "image": SimpleUploadedFile("shot.webp", image, content_type="image/webp"),
        },
        **device.auth,
    )


def _files(settings: Any) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("policy", "meta", "problem"),
    [
        ({"screenshots_per_interval": 0}, {}, "screenshots are off"),
        ({"screenshot_blur": True}, {"blurred": False}, "blurs screenshots on the device"),
        ({"screenshot_max_width": 1280}, {"width": 1920}, "meta.width: 1920 pixels"),
    ],
)
def test_an_image_the_policy_rules_out_is_refused_and_no_file_is_written(
    api: Client,
    world: World,
    device: EnrolledDevice,
    settings: Any,
    policy: dict[str, Any],
    meta: dict[str, Any],
    problem: str,
) -> None:
    update_policy(company=world.company, **policy)
    response = _upload(api, device, **meta)
    assert response.status_code == 403
    assert problem in detail(response)
    assert detail(response).endswith("the image was not stored")
    assert Screenshot.objects.count() == 0
    assert _files(settings) == []


def test_an_image_within_the_policy_is_stored(
    api: Client, world: World, device: EnrolledDevice, settings: Any
) -> None:
    update_policy(company=world.company, screenshot_blur=True, screenshot_max_width=1280)
    response = _upload(api, device, blurred=True, width=1280)
    assert response.status_code == 200, response.content
    assert Screenshot.objects.exclude(image="").count() == 1
    assert len(_files(settings)) == 1
