"""The synthetic-input rule on timings: a jiggler's and a held key's are flagged, a person's
never (recording/input_flags.py). Timings are built the way the counter builds them, event by
event, and split across ticks the way the tracker merges them."""

from __future__ import annotations

import random

import pytest

from worklens_agent.recording.input_flags import input_flags
from worklens_agent.sources.input_timing import CLICK, InputTiming


def _ticks(events: list[tuple[float, str, tuple[int, int] | None]]) -> InputTiming:
    """The events as the tracker sees them: one InputTiming per second, merged into the slot's."""
    slot = InputTiming()
    tick: InputTiming | None = None
    second = None
    for moment, kind, vector in events:
        if int(moment) != second:
            if tick is not None:
                slot.merge(tick)
            tick, second = InputTiming(), int(moment)
        assert tick is not None
        if kind == "key":
            tick.key(moment)
        else:
            tick.pointer_event(moment, vector)
    if tick is not None:
        slot.merge(tick)
    return slot


def _jiggler(count: int, *, every: float = 30.0, alternate: bool = False, jitter: float = 0.005):
    rng = random.Random(1)
    return [
        (
            1000.0 + n * every + rng.uniform(-jitter, jitter),
            "move",
            None if n == 0 else ((-1 if n % 2 else 1, 0) if alternate else (1, 0)),
        )
        for n in range(count)
    ]


def test_a_jiggler_moving_one_pixel_every_30_s_is_flagged_with_its_statistics() -> None:
    [flag] = input_flags(_ticks(_jiggler(20)))
    assert flag.kind == "regular_mouse"
    assert flag.events == 20
    assert flag.interval_seconds == pytest.approx(30.0, abs=0.01)
    assert flag.interval_cv < 0.001
    assert (flag.distinct_moves, flag.step_px) == (1, 1)


def test_a_jiggler_going_back_and_forth_is_flagged() -> None:
    [flag] = input_flags(_ticks(_jiggler(12, alternate=True)))
    assert (flag.kind, flag.distinct_moves) == ("regular_mouse", 2)


def test_too_few_regular_moves_or_too_short_a_stretch_are_not_flagged() -> None:
    assert input_flags(_ticks(_jiggler(7))) == []  # under MIN_EVENTS
    assert input_flags(_ticks(_jiggler(20, every=10.0))) != []
    assert input_flags(_ticks(_jiggler(10, every=10.0))) == []  # 90 s: under MIN_SPAN_SECONDS


def test_a_regular_pointer_with_a_click_in_the_slot_still_varies_too_much() -> None:
    events = _jiggler(20)
    events.insert(5, (events[4][0] + 3.7, "click", CLICK))
    assert input_flags(_ticks(events)) == []


def test_a_key_pressed_by_a_tool_at_a_fixed_rate_is_flagged_as_held() -> None:
    events = [(2000.0 + n * 15.0, "key", None) for n in range(20)]
    [flag] = input_flags(_ticks(events))
    assert (flag.kind, flag.events, flag.distinct_moves) == ("held_key", 20, 0)
    assert flag.interval_seconds == pytest.approx(15.0)


def _person(seed: int) -> list[tuple[float, str, tuple[int, int] | None]]:
    """Ten minutes of a person: typing bursts at 80-400 ms a key with pauses, mouse paths of
    many small steps at the mouse's polling rate, and a few clicks."""
    rng = random.Random(seed)
    events: list[tuple[float, str, tuple[int, int] | None]] = []
    moment = 0.0
    while moment < 600:
        if rng.random() < 0.6:
            for _ in range(rng.randint(3, 40)):
                moment += rng.uniform(0.08, 0.4)
                events.append((moment, "key", None))
        else:
            dx, dy = rng.randint(-40, 40), rng.randint(-40, 40)
            for step in range(rng.randint(5, 60)):
                moment += 0.008 + rng.uniform(0, 0.004)
                vector = (dx // 8 + rng.randint(-1, 1), dy // 8 + rng.randint(-1, 1))
                events.append((moment, "move", vector if step or events else None))
            if rng.random() < 0.5:
                moment += rng.uniform(0.1, 0.5)
                events.append((moment, "click", CLICK))
        moment += rng.expovariate(1 / 6)
    return events


@pytest.mark.parametrize("seed", range(20))
def test_a_person_is_never_flagged(seed: int) -> None:
    assert input_flags(_ticks(_person(seed))) == []


def test_a_person_holding_one_key_briefly_is_not_flagged() -> None:
    # The first repeat comes after the keyboard's delay (660 ms), then every 33 ms, for 3 s.
    events = [(100.0, "key", None)] + [(100.66 + n * 0.033, "key", None) for n in range(70)]
    assert input_flags(_ticks(events)) == []


def test_a_slot_without_input_has_no_flags() -> None:
    assert input_flags(InputTiming()) == []
