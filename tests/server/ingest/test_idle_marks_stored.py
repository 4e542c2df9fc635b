"""Idle marks through POST /api/v1/batches: kept idle time is stored and counted with its mark,
discarded idle time is stored as a start and an end and counted nowhere, anything recorded under
discarded idle time is refused whole, and a re-sent batch stores nothing twice."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from server_testkit import (
    NOW,
    EnrolledDevice,
    batch,
    detail,
    post_batch,
    row_counts,
    slot,
    span,
    time_entry,
)

from worklens_server.tracking.models import EntryDayRollup, MemberDayRollup, TimeEntry
from worklens_wire import new_id
from worklens_wire.v1 import (
    ACCEPTS_HEADER,
    ACCEPTS_IDLE_MARKS,
    BatchAck,
    ScreenshotRecord,
    accepted,
)

pytestmark = pytest.mark.django_db

IDLE_START = NOW - dt.timedelta(minutes=40)
IDLE_END = NOW - dt.timedelta(minutes=20)


def _ack(response: Any) -> BatchAck:
    assert response.status_code == 200, response.content
    return BatchAck.model_validate_json(response.content)


def _discarded() -> Any:
    return time_entry(started_at=IDLE_START, stopped_at=IDLE_END, idle="discarded")


def test_the_batches_answer_says_idle_marks_are_accepted(
    api: Client, device: EnrolledDevice
) -> None:
    response = post_batch(api, device, batch(device, time_entries=[time_entry()]))
    assert response.status_code == 200
    assert ACCEPTS_IDLE_MARKS in accepted(response.headers[ACCEPTS_HEADER])


def test_kept_idle_time_is_stored_marked_and_counted(api: Client, device: EnrolledDevice) -> None:
    kept = time_entry(started_at=IDLE_START, stopped_at=IDLE_END, idle="kept")
    slots = [slot(kept.id, minute=20 + i, active_seconds=0) for i in range(3)]

    ack = _ack(post_batch(api, device, batch(device, time_entries=[kept], slots=slots)))

    assert (ack.stored, ack.duplicates) == (4, 0)
    assert TimeEntry.objects.get(id=kept.id).idle == "kept"
    assert MemberDayRollup.objects.get().tracked_seconds == 180
    assert EntryDayRollup.objects.get(time_entry_id=kept.id).tracked_seconds == 180


def test_discarded_idle_time_is_stored_as_its_stretch_and_counted_nowhere(
    api: Client, device: EnrolledDevice
) -> None:
    discarded = _discarded()

    ack = _ack(post_batch(api, device, batch(device, time_entries=[discarded])))

    assert (ack.received, ack.stored) == (1, 1)
    row = TimeEntry.objects.get(id=discarded.id)
    assert (row.idle, row.started_at, row.stopped_at) == ("discarded", IDLE_START, IDLE_END)
    assert (row.project_id, row.task_id, row.notes) == (None, None, "")
    assert row_counts() | {"batches": 0} == {
        "batches": 0,
        "time_entries": 1,
        "slots": 0,
        "app_spans": 0,
        "screenshots": 0,
        "rollups": 0,
    }


def test_a_batch_with_a_slot_under_discarded_idle_time_stores_nothing(
    api: Client, device: EnrolledDevice
) -> None:
    discarded = _discarded()
    ordinary = time_entry()
    # The contract refuses to build this batch: an agent changed by hand would send it as JSON.
    sent = batch(device, time_entries=[ordinary])
    body = sent.model_dump(mode="json")
    body["time_entries"].append(discarded.model_dump(mode="json"))
    body["slots"] = [
        slot(ordinary.id).model_dump(mode="json"),
        slot(discarded.id).model_dump(mode="json"),
    ]

    response = post_batch(api, device, json.dumps(body))

    assert response.status_code == 422
    assert f"slots[1].time_entry_id: time entry {discarded.id} is discarded idle time" in detail(
        response
    )
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_a_later_span_under_stored_discarded_idle_time_is_refused_by_name(
    api: Client, device: EnrolledDevice
) -> None:
    discarded = _discarded()
    _ack(post_batch(api, device, batch(device, time_entries=[discarded])))
    before = row_counts()

    response = post_batch(api, device, batch(device, app_spans=[span(discarded.id, minute=25)]))

    assert response.status_code == 422
    assert detail(response) == (
        f"app_spans[0].time_entry_id: time entry {discarded.id} is discarded idle time, which "
        "holds no slots, app spans or screenshots"
    )
    assert row_counts() == before


def test_a_screenshot_image_for_discarded_idle_time_is_refused(
    api: Client, device: EnrolledDevice
) -> None:
    discarded = _discarded()
    _ack(post_batch(api, device, batch(device, time_entries=[discarded])))
    record = ScreenshotRecord(id=new_id(), time_entry_id=discarded.id, taken_at=IDLE_START)
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

    assert response.status_code == 422
    assert "is discarded idle time" in detail(response)
    assert row_counts()["screenshots"] == 0


def test_a_resent_batch_of_marks_stores_nothing_twice(api: Client, device: EnrolledDevice) -> None:
    kept = time_entry(started_at=IDLE_START, stopped_at=IDLE_END, idle="kept")
    sent = batch(device, time_entries=[kept, _discarded()], slots=[slot(kept.id, minute=21)])
    first = _ack(post_batch(api, device, sent))
    counts = row_counts()

    again = _ack(post_batch(api, device, sent))
    # The same items in a new batch: the entries are already stored as they are.
    copy = _ack(post_batch(api, device, batch(device, time_entries=sent.time_entries)))

    assert (first.stored, again.stored, again.duplicates) == (3, 0, 3)
    assert (copy.stored, copy.duplicates) == (0, 2)
    assert row_counts() | {"batches": 0} == counts | {"batches": 0}
    assert MemberDayRollup.objects.get().tracked_seconds == 60


def test_an_entry_sent_unmarked_becomes_kept_idle_time_when_sent_again_marked(
    api: Client, device: EnrolledDevice
) -> None:
    plain = time_entry(started_at=IDLE_START, stopped_at=IDLE_END, notes="call")
    _ack(post_batch(api, device, batch(device, time_entries=[plain], slots=[slot(plain.id)])))
    marked = plain.model_copy(update={"idle": "kept", "notes": "changed"})

    ack = _ack(post_batch(api, device, batch(device, time_entries=[marked])))
    twice = _ack(post_batch(api, device, batch(device, time_entries=[marked])))

    assert (ack.stored, twice.stored, twice.duplicates) == (1, 0, 1)
    row = TimeEntry.objects.get(id=plain.id)
    # Only the mark changes on a stopped entry: its times and notes stay as stored.
    assert (row.idle, row.notes, row.stopped_at) == ("kept", "call", IDLE_END)
    assert MemberDayRollup.objects.get().tracked_seconds == 60
