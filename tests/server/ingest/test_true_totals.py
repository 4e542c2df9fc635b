"""No second of a member counts twice, and nothing counts before it happened: slots overlapping
the member's time already stored (any device, or the same batch) are shortened or left out,
times ahead of the server's clock are refused, and the answer says what was not stored."""

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
    time_entry,
)

from worklens_server.tracking.models import ActivitySlot, MemberDayRollup
from worklens_wire.v1 import ACCEPTS_HEADER, ACCEPTS_NOT_STORED, BatchAck, UploadBatch

pytestmark = pytest.mark.django_db

START = NOW - dt.timedelta(hours=1)  # 10:00 Berlin; slots are minutes after it


def _post(api: Client, device: EnrolledDevice, sent: UploadBatch, *, accepts: bool = True) -> Any:
    headers = {"HTTP_" + ACCEPTS_HEADER.upper().replace("-", "_"): ACCEPTS_NOT_STORED}
    response = post_json(
        api,
        "/api/v1/batches",
        sent.model_dump_json(),
        **device.auth,
        **(headers if accepts else {}),
    )
    assert response.status_code == 200, response.content
    return response


def _ack(response: Any) -> BatchAck:
    return BatchAck.model_validate_json(response.content)


def _minutes(device_slots: list[Any]) -> list[tuple[int, int]]:
    return [((s.started_at - START).seconds, s.length_seconds) for s in device_slots]


def _stored(device: EnrolledDevice) -> list[tuple[int, int]]:
    rows = ActivitySlot.objects.filter(device_id=device.device_id).order_by("started_at")
    return _minutes(list(rows))


def _tracked(world: World) -> int:
    return sum(
        MemberDayRollup.objects.filter(member=world.employee).values_list(
            "tracked_seconds", flat=True
        )
    )


def _entry_with_slots(device: EnrolledDevice, minutes: range, **changes: Any) -> UploadBatch:
    entry = time_entry(started_at=START)
    slots = [slot(entry.id, minute=m, **changes) for m in minutes]
    return batch(device, time_entries=[entry], slots=slots)


def test_a_second_device_of_the_member_does_not_count_the_same_minutes_again(
    api: Client, world: World, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    _post(api, device, _entry_with_slots(device, range(0, 10)))  # 10:00-10:10
    ack = _ack(_post(api, second_device, _entry_with_slots(second_device, range(5, 15))))
    assert (ack.received, ack.stored, ack.duplicates) == (11, 6, 0)  # the entry + 5 slots
    assert [(n.what, n.count) for n in ack.not_stored] == [("slots", 5)]
    assert "already tracked" in ack.not_stored[0].reason
    assert _stored(second_device) == [(m * 60, 60) for m in range(10, 15)]
    assert ActivitySlot.objects.filter(member=world.employee).count() == 15
    assert _tracked(world) == 15 * 60


def test_a_partly_covered_slot_is_shortened_with_its_counts_in_proportion(
    api: Client, world: World, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    _post(api, device, _entry_with_slots(device, range(0, 1)))  # 10:00:00-10:01:00
    entry = time_entry(started_at=START)
    late = slot(
        entry.id,
        started_at=START + dt.timedelta(seconds=40),
        active_seconds=60,
        keyboard_events=90,
        mouse_events=30,
    )
    ack = _ack(_post(api, second_device, batch(second_device, time_entries=[entry], slots=[late])))
    assert [(n.what, n.count) for n in ack.not_stored] == [("slots.length_seconds", 1)]
    assert ack.stored == 2
    stored = ActivitySlot.objects.get(id=late.id)
    assert (stored.started_at, stored.length_seconds) == (START + dt.timedelta(minutes=1), 40)
    assert (stored.active_seconds, stored.keyboard_events, stored.mouse_events) == (40, 60, 20)
    assert _tracked(world) == 100
    # The same slot again, in another batch: stored once, as it was shortened.
    again = _ack(_post(api, second_device, batch(second_device, slots=[late])))
    assert (again.stored, again.duplicates, again.not_stored) == (0, 1, [])
    assert _tracked(world) == 100


def test_the_longest_free_stretch_is_kept_when_a_slot_is_covered_in_its_middle(
    api: Client, world: World, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    entry = time_entry(started_at=START)
    inside = slot(
        entry.id, started_at=START + dt.timedelta(seconds=20), length_seconds=10, active_seconds=5
    )
    _post(api, device, batch(device, time_entries=[entry], slots=[inside]))
    other = time_entry(started_at=START)
    whole = slot(other.id, started_at=START, length_seconds=60, active_seconds=60)
    _post(api, second_device, batch(second_device, time_entries=[other], slots=[whole]))
    assert _stored(second_device) == [(30, 30)]  # 10:00:30-10:01:00, longer than 10:00:00-20
    assert _tracked(world) == 40


def test_overlapping_slots_of_one_batch_count_once_the_earlier_wins(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    entry = time_entry(started_at=START)
    first = slot(entry.id, minute=0)
    same_minute = slot(entry.id, minute=0)
    half_later = slot(entry.id, started_at=START + dt.timedelta(seconds=30))
    sent = batch(device, time_entries=[entry], slots=[half_later, same_minute, first])
    ack = _ack(_post(api, device, sent))
    assert sorted((n.what, n.count) for n in ack.not_stored) == [
        ("slots", 1),
        ("slots.length_seconds", 1),
    ]
    assert _stored(device) == [(0, 60), (60, 30)]
    assert _tracked(world) == 90


def test_other_members_time_is_never_clipped(
    api: Client, world: World, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    _post(api, device, _entry_with_slots(device, range(0, 5)))
    ack = _ack(_post(api, outsider_device, _entry_with_slots(outsider_device, range(0, 5))))
    assert (ack.stored, ack.not_stored) == (6, [])


def test_an_agent_that_does_not_ask_for_it_gets_the_ack_it_knows(
    api: Client, device: EnrolledDevice, second_device: EnrolledDevice
) -> None:
    _post(api, device, _entry_with_slots(device, range(0, 3)))
    response = _post(
        api, second_device, _entry_with_slots(second_device, range(0, 3)), accepts=False
    )
    assert set(json.loads(response.content)) == {"batch_id", "received", "stored", "duplicates"}
    assert (_ack(response).stored, _ack(response).duplicates) == (1, 0)


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ("slot", "slots[0] (started_at + length_seconds)"),
        ("entry", "time_entries[0].started_at"),
        ("stop", "time_entries[0].stopped_at"),
    ],
)
def test_times_more_than_five_minutes_ahead_are_refused_and_nothing_is_stored(
    api: Client, device: EnrolledDevice, item: str, where: str
) -> None:
    ahead = NOW + dt.timedelta(minutes=6)
    entry = time_entry(started_at=START)
    items: dict[str, Any] = {"time_entries": [entry]}
    if item == "slot":
        items["slots"] = [slot(entry.id, started_at=ahead - dt.timedelta(seconds=60))]
    elif item == "entry":
        items["time_entries"] = [time_entry(started_at=ahead)]
    else:
        items["time_entries"] = [time_entry(started_at=START, stopped_at=ahead)]
    before = row_counts()
    response = post_batch(api, device, batch(device, **items))
    assert response.status_code == 422
    assert detail(response).startswith(f"{where}: ")
    assert "6 min ahead of the server's clock" in detail(response)
    assert "check this computer's date and time" in detail(response)
    assert row_counts() == before


def test_a_clock_a_little_ahead_is_accepted(api: Client, device: EnrolledDevice) -> None:
    entry = time_entry(started_at=START)
    ending_soon = slot(
        entry.id, started_at=NOW + dt.timedelta(minutes=4) - dt.timedelta(seconds=60)
    )
    ack = _ack(_post(api, device, batch(device, time_entries=[entry], slots=[ending_soon])))
    assert ack.stored == 2
