"""POST /api/v1/batches: storing, idempotency, and every way a batch is refused (with the exact
message, and row counts proving a refused batch stored nothing)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from server_testkit import (
    NOW,
    EnrolledDevice,
    World,
    batch,
    detail,
    post_batch,
    post_json,
    row_counts,
    slot,
    span,
    time_entry,
)

from worklens_server.devices.models import Device
from worklens_server.devices.services import revoke_device
from worklens_server.tracking.models import ActivitySlot, AppSpan, MemberDayRollup, TimeEntry
from worklens_wire import new_id
from worklens_wire.v1 import BatchAck, ScreenshotRecord

pytestmark = pytest.mark.django_db


def _ack(response: Any) -> BatchAck:
    assert response.status_code == 200, response.content
    return BatchAck.model_validate_json(response.content)


def _stored_entry(api: Client, device: EnrolledDevice) -> Any:
    entry = time_entry()
    assert _ack(post_batch(api, device, batch(device, time_entries=[entry]))).stored == 1
    return entry


def test_happy_path_stores_every_item_and_rolls_up_the_day(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    entry = time_entry()
    slots = [slot(entry.id, minute=i, active_seconds=30 + i) for i in range(3)]
    spans = [span(entry.id, minute=i, app=f"App{i}") for i in range(2)]
    shot = ScreenshotRecord(id=new_id(), time_entry_id=entry.id, taken_at=NOW, width=10, height=8)
    sent = batch(device, time_entries=[entry], slots=slots, app_spans=spans, screenshots=[shot])

    ack = _ack(post_batch(api, device, sent))

    assert ack == BatchAck(batch_id=sent.batch_id, received=7, stored=7, duplicates=0)
    assert row_counts() == {
        "batches": 1,
        "time_entries": 1,
        "slots": 3,
        "app_spans": 2,
        "screenshots": 1,
        "rollups": 1,
    }
    stored_slot = ActivitySlot.objects.get(id=slots[1].id)
    assert stored_slot.member_id == world.employee.id
    assert stored_slot.device_id == device.device_id
    assert stored_slot.company_id == world.company.id
    assert stored_slot.started_at == slots[1].started_at
    assert (stored_slot.active_seconds, stored_slot.keyboard_events) == (31, 120)
    stored_span = AppSpan.objects.get(id=spans[0].id)
    assert (stored_span.app, stored_span.title, stored_span.url) == (
        "App0",
        "Quarterly report",
        "https://example.com/report",
    )
    rollup = MemberDayRollup.objects.get(member=world.employee)
    assert (rollup.tracked_seconds, rollup.active_seconds) == (180, 30 + 31 + 32)
    assert (rollup.keyboard_events, rollup.mouse_events) == (360, 900)
    seen = Device.objects.get(id=device.device_id).last_seen_at
    assert seen is not None
    assert seen > NOW - dt.timedelta(minutes=1)


def test_rollup_day_is_the_company_local_day(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    entry = _stored_entry(api, device)
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin (the company's timezone).
    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    _ack(post_batch(api, device, batch(device, slots=[slot(entry.id, started_at=late)])))
    assert list(MemberDayRollup.objects.values_list("day", flat=True)) == [dt.date(2026, 3, 2)]


def test_same_batch_twice_is_stored_once_and_acknowledged_twice(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    entry = time_entry()
    sent = batch(device, time_entries=[entry], slots=[slot(entry.id)], app_spans=[span(entry.id)])
    first = _ack(post_batch(api, device, sent))
    counts = row_counts()
    second = _ack(post_batch(api, device, sent))

    assert (first.received, first.stored, first.duplicates) == (3, 3, 0)
    assert (second.received, second.stored, second.duplicates) == (3, 0, 3)
    assert row_counts() == counts
    assert MemberDayRollup.objects.get().tracked_seconds == 60


def test_items_resent_in_a_new_batch_are_stored_once_and_not_counted_twice(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    entry = _stored_entry(api, device)
    old = slot(entry.id, minute=1)
    _ack(post_batch(api, device, batch(device, slots=[old])))
    new = slot(entry.id, minute=2)

    ack = _ack(post_batch(api, device, batch(device, slots=[old, new])))

    assert (ack.received, ack.stored, ack.duplicates) == (2, 1, 1)
    assert ActivitySlot.objects.count() == 2
    assert MemberDayRollup.objects.get().tracked_seconds == 120


def test_time_entry_is_upserted_from_open_to_stopped_and_never_back(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    project = world.project
    task = project.tasks.get(name="Design")
    started = time_entry(project_id=project.id, task_id=task.id, notes="draft")
    assert _ack(post_batch(api, device, batch(device, time_entries=[started]))).stored == 1
    assert TimeEntry.objects.get(id=started.id).stopped_at is None

    resent_open = _ack(post_batch(api, device, batch(device, time_entries=[started])))
    assert (resent_open.stored, resent_open.duplicates) == (0, 1)

    stop = NOW - dt.timedelta(minutes=30)
    stopped = started.model_copy(update={"stopped_at": stop, "notes": "done"})
    assert _ack(post_batch(api, device, batch(device, time_entries=[stopped]))).stored == 1
    stored = TimeEntry.objects.get(id=started.id)
    assert (stored.stopped_at, stored.notes, stored.task_id) == (stop, "done", task.id)

    later = started.model_copy(update={"stopped_at": NOW})
    assert _ack(post_batch(api, device, batch(device, time_entries=[later]))).duplicates == 1
    assert _ack(post_batch(api, device, batch(device, time_entries=[started]))).duplicates == 1
    assert TimeEntry.objects.get(id=started.id).stopped_at == stop
    assert TimeEntry.objects.count() == 1


def test_items_may_refer_to_a_time_entry_stored_earlier_by_the_same_device(
    api: Client, device: EnrolledDevice
) -> None:
    entry = _stored_entry(api, device)
    assert _ack(post_batch(api, device, batch(device, slots=[slot(entry.id)]))).stored == 1


def _refused(
    api: Client, device: EnrolledDevice, body: str | bytes, status: int, message: str, **kw: Any
) -> None:
    before = row_counts()
    response = post_json(api, "/api/v1/batches", body, **(device.auth | kw))
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert detail(response) == message
    assert row_counts() == before, "a refused batch must store nothing"


def _valid_body(device: EnrolledDevice) -> dict[str, Any]:
    entry = time_entry()
    sent = batch(device, time_entries=[entry], slots=[slot(entry.id)], app_spans=[span(entry.id)])
    body: dict[str, Any] = json.loads(sent.model_dump_json())
    return body


def test_wrong_type_is_422_naming_the_field(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    body["slots"][0]["keyboard_events"] = "many"
    _refused(
        api,
        device,
        json.dumps(body),
        422,
        "slots[0].keyboard_events: Input should be a valid integer, unable to parse string as an"
        " integer",
    )


def test_model_rule_is_422_naming_the_field(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    body["slots"][0]["active_seconds"] = 61
    _refused(
        api,
        device,
        json.dumps(body),
        422,
        "slots[0].active_seconds: active_seconds exceeds length_seconds",
    )


def test_missing_field_and_unknown_field_are_named(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    del body["app_spans"][0]["app"]
    body["time_entries"][0]["keystrokes"] = "secret"
    _refused(
        api,
        device,
        json.dumps(body),
        422,
        "time_entries[0].keystrokes: Extra inputs are not permitted; app_spans[0].app: Field"
        " required",
    )


def test_not_json_is_422(api: Client, device: EnrolledDevice) -> None:
    before = row_counts()
    response = post_json(api, "/api/v1/batches", b"{not json", **device.auth)
    assert response.status_code == 422
    assert detail(response).startswith("body: Invalid JSON")
    assert row_counts() == before


def test_unknown_contract_version_is_400(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    body["contract_version"] = "v2"
    _refused(
        api,
        device,
        json.dumps(body),
        400,
        "unsupported contract version 'v2'; this server speaks v1",
    )


def test_oversized_body_is_413(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    body["time_entries"][0]["notes"] = "x" * (4 * 1024 * 1024)
    encoded = json.dumps(body).encode()
    _refused(
        api,
        device,
        encoded,
        413,
        f"batch body is {len(encoded)} bytes; at most 4194304 bytes",
    )


def test_duplicate_ids_inside_one_batch_are_422(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    duplicate = body["slots"][0]["id"]
    body["app_spans"][0]["id"] = duplicate
    _refused(
        api,
        device,
        json.dumps(body),
        422,
        f"body: item id {duplicate} appears more than once in the batch",
    )


def test_empty_batch_is_422(api: Client, device: EnrolledDevice) -> None:
    body = _valid_body(device)
    body["time_entries"], body["slots"], body["app_spans"] = [], [], []
    _refused(api, device, json.dumps(body), 422, "body: batch holds no items")


def test_items_referring_to_another_companys_time_entry_are_403(
    api: Client, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    foreign = _stored_entry(api, outsider_device)
    mine = time_entry()
    sent = batch(
        device,
        time_entries=[mine],
        slots=[slot(mine.id)],
        app_spans=[span(mine.id), span(foreign.id)],
    )
    _refused(
        api,
        device,
        sent.model_dump_json(),
        403,
        f"app_spans[1].time_entry_id: time entry {foreign.id} belongs to another device",
    )


def test_time_entry_id_of_another_device_is_403(
    api: Client, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    foreign = _stored_entry(api, outsider_device)
    stolen = foreign.model_copy(update={"stopped_at": NOW})
    _refused(
        api,
        device,
        batch(device, time_entries=[stolen]).model_dump_json(),
        403,
        f"time_entries[0].id: time entry {foreign.id} belongs to another device",
    )
    assert TimeEntry.objects.get(id=foreign.id).stopped_at is None


def test_items_of_another_device_of_the_same_member_are_403(
    api: Client, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    entry = _stored_entry(api, second_device)
    _refused(
        api,
        device,
        batch(device, slots=[slot(entry.id)]).model_dump_json(),
        403,
        f"slots[0].time_entry_id: time entry {entry.id} belongs to another device",
    )


def test_unknown_time_entry_is_422(api: Client, device: EnrolledDevice) -> None:
    missing = new_id()
    _refused(
        api,
        device,
        batch(device, slots=[slot(missing)]).model_dump_json(),
        422,
        f"slots[0].time_entry_id: unknown time entry {missing} (send the time entry first)",
    )


def test_device_id_mismatch_is_403(
    api: Client, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    entry = time_entry()
    sent = batch(second_device, time_entries=[entry])
    _refused(
        api,
        device,
        sent.model_dump_json(),
        403,
        f"device_id: batch is for device {second_device.device_id}, but the token is for "
        f"{device.device_id}",
    )


def test_project_of_another_company_is_422(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    foreign_project = world.outsider_company.projects.get()
    entry = time_entry(project_id=foreign_project.id)
    _refused(
        api,
        device,
        batch(device, time_entries=[entry]).model_dump_json(),
        422,
        f"time_entries[0].project_id: unknown project {foreign_project.id}",
    )


def test_revoked_token_is_401(api: Client, device: EnrolledDevice) -> None:
    revoke_device(device=Device.objects.get(id=device.device_id))
    body = json.dumps(_valid_body(device))
    _refused(api, device, body, 401, "device token was revoked")


def test_wrong_token_is_401(api: Client, device: EnrolledDevice) -> None:
    body = json.dumps(_valid_body(device))
    _refused(
        api, device, body, 401, "device token is not valid", HTTP_AUTHORIZATION="Bearer wl_nope"
    )


def test_missing_token_is_401(api: Client, device: EnrolledDevice) -> None:
    before = row_counts()
    response = post_json(api, "/api/v1/batches", json.dumps(_valid_body(device)))
    assert response.status_code == 401
    assert detail(response) == "Authorization header is missing; send 'Bearer <device token>'"
    assert row_counts() == before


def test_batch_id_reused_by_another_device_is_409(
    api: Client, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    first = batch(device, time_entries=[time_entry()])
    _ack(post_batch(api, device, first))
    copy = batch(second_device, time_entries=[time_entry()]).model_copy(
        update={"batch_id": first.batch_id}
    )
    _refused(
        api,
        second_device,
        copy.model_dump_json(),
        409,
        f"batch_id: batch {first.batch_id} was sent by another device",
    )


def test_large_batch_is_stored_whole(api: Client, device: EnrolledDevice) -> None:
    entry = _stored_entry(api, device)
    hour_ago = NOW - dt.timedelta(hours=1)
    slots = [
        slot(
            entry.id,
            started_at=hour_ago + dt.timedelta(seconds=3 * i),
            length_seconds=3,
            active_seconds=2,
        )
        for i in range(1000)
    ]
    spans = [span(entry.id, minute=i % 60) for i in range(999)]
    ack = _ack(post_batch(api, device, batch(device, slots=slots, app_spans=spans)))
    assert (ack.received, ack.stored) == (1999, 1999)
    assert (ActivitySlot.objects.count(), AppSpan.objects.count()) == (1000, 999)
    assert MemberDayRollup.objects.get().tracked_seconds == 3000
