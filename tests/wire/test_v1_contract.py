"""The v1 contract rejects what the server must never store and accepts what the agent builds."""

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from worklens_wire import new_id
from worklens_wire.v1 import (
    MAX_BATCH_ITEMS,
    ActivitySlot,
    AppSpan,
    DeviceInfo,
    Policy,
    TimeEntry,
    UploadBatch,
)

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def slot(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(new_id()),
        "time_entry_id": str(new_id()),
        "started_at": NOW.isoformat(),
        "length_seconds": 600,
        "active_seconds": 300,
        "keyboard_events": 120,
        "mouse_events": 900,
    }
    return fields | overrides


def batch(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "contract_version": "v1",
        "batch_id": str(new_id()),
        "device_id": str(uuid.uuid4()),
        "sent_at": NOW.isoformat(),
        "slots": [slot()],
    }
    return fields | overrides


def error_messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return "; ".join(f"{e['loc']}: {e['msg']}" for e in exc.value.errors())


def test_new_id_is_uuid7_and_sorts_by_creation() -> None:
    first, second = new_id(), new_id()
    assert first.version == 7
    assert first < second


def test_batch_round_trips_through_json() -> None:
    parsed = UploadBatch.model_validate_json(json.dumps(batch()))
    again = UploadBatch.model_validate_json(parsed.model_dump_json())
    assert again == parsed
    assert parsed.item_count == 1


def test_timestamps_are_normalised_to_utc() -> None:
    paris = "2026-11-25T10:00:00+01:00"
    parsed = ActivitySlot.model_validate(slot(started_at=paris))
    assert parsed.started_at == NOW
    assert parsed.started_at.utcoffset() == dt.timedelta(0)


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        ActivitySlot.model_validate(slot(started_at="2026-11-25T09:00:00"))
    assert "timezone" in error_messages(exc)


def test_item_id_must_be_uuid7() -> None:
    with pytest.raises(ValidationError) as exc:
        ActivitySlot.model_validate(slot(id=str(uuid.uuid4())))
    assert "UUIDv7" in error_messages(exc)


def test_unknown_contract_version_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        UploadBatch.model_validate(batch(contract_version="v2"))
    assert "contract_version" in error_messages(exc)


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        UploadBatch.model_validate(batch(keystrokes=["a", "b"]))
    assert "keystrokes" in error_messages(exc)


def test_duplicate_ids_inside_one_batch_are_rejected() -> None:
    same = slot()
    with pytest.raises(ValidationError) as exc:
        UploadBatch.model_validate(batch(slots=[same, same]))
    assert f"item id {same['id']} appears more than once" in error_messages(exc)


def test_oversized_batch_is_rejected() -> None:
    many = [slot() for _ in range(MAX_BATCH_ITEMS + 1)]
    with pytest.raises(ValidationError) as exc:
        UploadBatch.model_validate(batch(slots=many))
    assert f"at most {MAX_BATCH_ITEMS}" in error_messages(exc)


def test_empty_batch_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        UploadBatch.model_validate(batch(slots=[]))
    assert "no items" in error_messages(exc)


def test_active_seconds_cannot_exceed_slot_length() -> None:
    with pytest.raises(ValidationError) as exc:
        ActivitySlot.model_validate(slot(length_seconds=60, active_seconds=61))
    assert "active_seconds exceeds length_seconds" in error_messages(exc)


def test_negative_counts_and_wrong_types_are_rejected() -> None:
    with pytest.raises(ValidationError):
        ActivitySlot.model_validate(slot(keyboard_events=-1))
    with pytest.raises(ValidationError):
        ActivitySlot.model_validate(slot(mouse_events="many"))


def test_time_entry_cannot_stop_before_it_starts() -> None:
    with pytest.raises(ValidationError) as exc:
        TimeEntry(id=new_id(), started_at=NOW, stopped_at=NOW - dt.timedelta(seconds=1))
    assert "stopped_at is before started_at" in error_messages(exc)


def test_task_requires_project() -> None:
    with pytest.raises(ValidationError) as exc:
        TimeEntry(id=new_id(), started_at=NOW, task_id=uuid.uuid4())
    assert "task_id given without project_id" in error_messages(exc)


def test_app_span_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError) as exc:
        AppSpan(
            id=new_id(),
            time_entry_id=new_id(),
            started_at=NOW,
            ended_at=NOW - dt.timedelta(seconds=1),
            app="firefox",
        )
    assert "ended_at is before started_at" in error_messages(exc)


def test_device_info_requires_a_real_iana_timezone_and_hashed_machine_id() -> None:
    info = {
        "installation_id": str(uuid.uuid4()),
        "os_name": "Linux",
        "machine_id_hash": "a" * 64,
        "timezone": "Europe/Paris",
        "agent_version": "0.1.0",
    }
    assert DeviceInfo.model_validate(info).timezone == "Europe/Paris"
    with pytest.raises(ValidationError) as exc:
        DeviceInfo.model_validate(info | {"timezone": "Mars/Olympus"})
    assert "unknown IANA timezone 'Mars/Olympus'" in error_messages(exc)
    with pytest.raises(ValidationError):
        DeviceInfo.model_validate(info | {"machine_id_hash": "raw-machine-id"})


def test_policy_defaults_match_the_documented_product_defaults() -> None:
    policy = Policy(version=1)
    assert policy.slot_seconds == 600
    assert policy.idle_threshold_seconds == 300
    assert policy.screenshots_per_interval == 1
    assert policy.private_apps == []
    with pytest.raises(ValidationError):
        Policy(version=1, screenshots_per_interval=4)
