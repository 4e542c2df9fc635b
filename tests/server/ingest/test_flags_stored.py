"""Flags through the agent API: a slot's input flags and a screenshot's same-screen mark are
stored with their statistics, dropped with the activity when the member's policy has activity
off, stored once when a batch is re-sent, and the batches answer says the server takes them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from server_testkit import NOW, EnrolledDevice, World, batch, post_batch, slot, time_entry

from worklens_server.policies.services import update_policy
from worklens_server.tracking.models import ActivitySlot, Screenshot
from worklens_wire import new_id
from worklens_wire.flags import ACCEPTS_FLAGS, InputFlag
from worklens_wire.v1 import ACCEPTS_HEADER, BatchAck, ScreenshotRecord, accepted

pytestmark = pytest.mark.django_db

JIGGLER = InputFlag(
    kind="regular_mouse",
    events=20,
    interval_seconds=30.0,
    interval_cv=0.0004,
    distinct_moves=1,
    step_px=1,
)
HELD = InputFlag(kind="held_key", events=40, interval_seconds=15.0, interval_cv=0.001)


def _ack(response: Any) -> BatchAck:
    assert response.status_code == 200, response.content
    return BatchAck.model_validate_json(response.content)


def _flagged_day() -> dict[str, Any]:
    entry = time_entry()
    return {
        "time_entries": [entry],
        "slots": [
            slot(entry.id, minute=0, input_flags=[JIGGLER, HELD]),
            slot(entry.id, minute=1),
        ],
        "screenshots": [
            ScreenshotRecord(
                id=new_id(),
                time_entry_id=entry.id,
                taken_at=NOW,
                skipped_reason="private_app",
                same_as_previous=True,
            )
        ],
    }


def test_the_batches_answer_says_flags_are_accepted(api: Client, device: EnrolledDevice) -> None:
    response = post_batch(api, device, batch(device, time_entries=[time_entry()]))
    assert ACCEPTS_FLAGS in accepted(response.headers[ACCEPTS_HEADER])


def test_flags_are_stored_with_their_statistics_once(api: Client, device: EnrolledDevice) -> None:
    sent = batch(device, **_flagged_day())
    first = _ack(post_batch(api, device, sent))
    again = _ack(post_batch(api, device, sent))

    assert (first.stored, again.stored, again.duplicates) == (4, 0, 4)
    flagged, plain = sent.slots
    assert ActivitySlot.objects.get(id=flagged.id).input_flags == [
        JIGGLER.model_dump(mode="json"),
        HELD.model_dump(mode="json"),
    ]
    assert ActivitySlot.objects.get(id=plain.id).input_flags is None
    assert list(Screenshot.objects.values_list("same_as_previous", flat=True)) == [True]
    assert ActivitySlot.objects.count() == 2


def test_activity_off_stores_no_input_flags(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    update_policy(company=world.company, capture_activity=False)
    ack = _ack(post_batch(api, device, batch(device, **_flagged_day())))
    assert [(n.what, n.count) for n in ack.not_stored] == []  # not asked for (no header)
    assert ack.stored == 4
    assert list(ActivitySlot.objects.values_list("input_flags", "mouse_events")) == [
        (None, 0),
        (None, 0),
    ]


def test_a_screenshot_upload_stores_its_same_screen_mark(
    api: Client, device: EnrolledDevice
) -> None:
    entry = time_entry()
    _ack(post_batch(api, device, batch(device, time_entries=[entry])))
    record = ScreenshotRecord(
        id=new_id(),
        time_entry_id=entry.id,
        taken_at=NOW,
        width=32,
        height=24,
        same_as_previous=True,
    )
    image = io.BytesIO()
    Image.new("RGB", (32, 24)).save(image, format="PNG")
    response = api.post(
        "/api/v1/screenshots",
        data={
            "meta": record.model_dump_json(),
            "image": SimpleUploadedFile("s.png", image.getvalue(), content_type="image/png"),
        },
        **device.auth,
    )
    assert response.status_code == 200, response.content
    assert Screenshot.objects.get(id=record.id).same_as_previous is True
