"""Flags in the contract: a slot's input flags and a screenshot's same-screen mark are written
only when set (older servers refuse unknown fields), carry statistics only, and are bounded."""

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import ValidationError

from worklens_wire import new_id
from worklens_wire.flags import ACCEPTS_FLAGS
from worklens_wire.v1 import ActivitySlot, ScreenshotRecord, accepted

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
FLAG = {
    "kind": "regular_mouse",
    "events": 20,
    "interval_seconds": 30.0,
    "interval_cv": 0.0004,
    "distinct_moves": 1,
    "step_px": 1,
}


def slot(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(new_id()),
        "time_entry_id": str(new_id()),
        "started_at": START.isoformat(),
        "length_seconds": 600,
        "active_seconds": 20,
        "keyboard_events": 0,
        "mouse_events": 20,
    }
    return fields | overrides


def shot(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(new_id()),
        "time_entry_id": str(new_id()),
        "taken_at": START.isoformat(),
    }
    return fields | overrides


def test_unset_flags_are_not_written_at_all() -> None:
    assert "input_flags" not in json.loads(ActivitySlot.model_validate(slot()).model_dump_json())
    written = json.loads(ScreenshotRecord.model_validate(shot()).model_dump_json())
    assert "same_as_previous" not in written


def test_set_flags_round_trip_with_their_statistics() -> None:
    flagged = ActivitySlot.model_validate(slot(input_flags=[FLAG]))
    assert json.loads(flagged.model_dump_json())["input_flags"] == [FLAG]
    same = ScreenshotRecord.model_validate(shot(same_as_previous=False))
    assert json.loads(same.model_dump_json())["same_as_previous"] is False


@pytest.mark.parametrize(
    "flags",
    [
        [FLAG | {"kind": "typing"}],
        [FLAG | {"key": "a"}],  # statistics only: never a key
        [FLAG | {"events": 1}],
        [FLAG | {"distinct_moves": 4}],
        [FLAG, FLAG, FLAG],
    ],
)
def test_a_flag_outside_the_contract_is_refused(flags: list[dict[str, Any]]) -> None:
    with pytest.raises(ValidationError):
        ActivitySlot.model_validate(slot(input_flags=flags))


def test_the_accepts_token_is_read_from_a_list() -> None:
    assert ACCEPTS_FLAGS in accepted(f"idle-marks, {ACCEPTS_FLAGS}")
    assert ACCEPTS_FLAGS not in accepted("idle-marks")
