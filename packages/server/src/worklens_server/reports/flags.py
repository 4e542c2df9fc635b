"""The agent's flags in words: what a slot's input or a screenshot looked like, and the
statistics that triggered it (worklens_wire.flags). A flag is an observation for a person to
weigh, never a verdict: the words say what was measured, not what it means."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from worklens_server.reports.day_rows import DayRows
from worklens_wire.flags import InputFlag

SAME_SCREEN = "screen identical to the previous screenshot"
#: Shown beside every list of flags.
WHAT_A_FLAG_IS = (
    "Flags are computed on the employee's computer from input timing (never which key) and "
    "screenshot similarity; only the flag and these statistics leave it. A flag says what looked "
    "regular, not why: a person decides what it means."
)


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def flag_words(flag: InputFlag) -> str:
    """e.g. "regular mouse input: the mouse moved at the same 30.0 s interval 20 times, always
    by 1 px"."""
    interval = _seconds(flag.interval_seconds)
    spread = f"intervals varied by {flag.interval_cv * 100:.1f} %"
    if flag.kind == "regular_mouse":
        moves = (
            f"always by {flag.step_px} px"
            if flag.distinct_moves <= 1
            else f"by one of {flag.distinct_moves} moves of at most {flag.step_px} px"
        )
        return (
            f"regular mouse input: the mouse moved at the same {interval} interval "
            f"{flag.events} times, {moves} ({spread})"
        )
    return (
        f"held key: key presses at the same {interval} interval {flag.events} times, "
        f"with no other typing ({spread})"
    )


def input_flag_words(stored: Sequence[Any] | None) -> tuple[str, ...]:
    """The words of a slot's stored `input_flags` (JSON); a flag this server cannot read is
    left out rather than failing the page."""
    words = []
    for raw in stored or ():
        try:
            words.append(flag_words(InputFlag.model_validate(raw)))
        except ValidationError:
            continue
    return tuple(words)


@dataclass(frozen=True)
class FlagNote:
    """One flagged stretch of a day: when, and what triggered each flag."""

    started_at: dt.datetime
    ended_at: dt.datetime
    words: tuple[str, ...]


def day_flag_notes(rows: DayRows) -> list[FlagNote]:
    """A member's flags of the day, by time: slots' input flags and same-screen screenshots."""
    notes = [
        FlagNote(slot.started_at, slot.ended_at, input_flag_words(slot.input_flags))
        for slot in rows.slots
        if slot.input_flags
    ]
    notes += [
        FlagNote(shot.taken_at, shot.taken_at, (SAME_SCREEN,))
        for shot in rows.shots
        if shot.same_as_previous
    ]
    return sorted((note for note in notes if note.words), key=lambda note: note.started_at)
