"""Idle marks on time entries: kept idle time is ordinary tracked time with a mark; discarded idle
time is only a start and an end, and a batch carrying anything recorded in it is refused."""

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from worklens_wire import new_id
from worklens_wire.v1 import ACCEPTS_IDLE_MARKS, TimeEntry, UploadBatch, accepted

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(minutes=20)


def entry(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(new_id()),
        "started_at": START.isoformat(),
        "stopped_at": END.isoformat(),
    }
    return fields | overrides


def batch(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "batch_id": str(new_id()),
        "device_id": str(uuid.uuid4()),
        "sent_at": END.isoformat(),
    }
    return fields | overrides


def test_an_unmarked_entry_is_written_exactly_as_before() -> None:
    # Older servers refuse unknown fields: no "idle" key at all unless there is a mark.
    written = json.loads(TimeEntry.model_validate(entry()).model_dump_json())
    assert set(written) == {"id", "started_at", "stopped_at", "project_id", "task_id", "notes"}


@pytest.mark.parametrize("mark", ["kept", "discarded"])
def test_a_mark_round_trips(mark: str) -> None:
    parsed = TimeEntry.model_validate(entry(idle=mark))
    again = TimeEntry.model_validate_json(parsed.model_dump_json())
    assert again.idle == mark
    assert json.loads(parsed.model_dump_json())["idle"] == mark


def test_an_unknown_mark_is_refused() -> None:
    with pytest.raises(ValidationError, match="idle"):
        TimeEntry.model_validate(entry(idle="ignored"))


def test_kept_idle_time_may_name_a_project_and_notes() -> None:
    kept = TimeEntry.model_validate(entry(idle="kept", project_id=str(new_id()), notes="call"))
    assert kept.idle == "kept"


@pytest.mark.parametrize(
    "extra",
    [{"project_id": str(uuid.uuid4())}, {"notes": "what I was doing"}, {"stopped_at": None}],
)
def test_discarded_idle_time_is_only_its_start_and_end(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="discarded idle time"):
        TimeEntry.model_validate(entry(idle="discarded", **extra))


@pytest.mark.parametrize("kind", ["slots", "app_spans", "screenshots"])
def test_a_batch_with_items_under_discarded_idle_time_is_refused(kind: str) -> None:
    discarded = entry(idle="discarded")
    items = {
        "slots": {
            "started_at": START.isoformat(),
            "length_seconds": 600,
            "active_seconds": 0,
            "keyboard_events": 0,
            "mouse_events": 0,
        },
        "app_spans": {"started_at": START.isoformat(), "ended_at": END.isoformat(), "app": "x"},
        "screenshots": {"taken_at": START.isoformat()},
    }
    item = {"id": str(new_id()), "time_entry_id": discarded["id"], **items[kind]}
    with pytest.raises(ValidationError) as exc:
        UploadBatch.model_validate(batch(time_entries=[discarded], **{kind: [item]}))
    assert f"{kind}[0].time_entry_id: time entry {discarded['id']} is discarded idle time" in str(
        exc.value
    )


def test_a_batch_of_discarded_idle_time_alone_is_accepted() -> None:
    parsed = UploadBatch.model_validate(batch(time_entries=[entry(idle="discarded")]))
    assert parsed.time_entries[0].idle == "discarded"


def test_the_accepts_header_is_read_as_a_set_of_features() -> None:
    assert ACCEPTS_IDLE_MARKS in accepted(f"not-stored, {ACCEPTS_IDLE_MARKS}")
    assert accepted("") == set()
