"""Flags the agent computes on the device: input whose timing looked produced by a tool, and a
screenshot identical to the one before. Part of contract v1 (see `worklens_wire.v1`).

A flag carries the few statistics that triggered it and nothing else: how many events, their
mean interval and its coefficient of variation, how many distinct movement vectors and how far
the pointer moved. Never which key, never where the pointer was. A flag is an observation for a
person to weigh, not a verdict.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: Token of the `WorkLens-Accepts` header on the server's answer to a batch: the server stores
#: `ActivitySlot.input_flags` and `ScreenshotRecord.same_as_previous`. An agent sends them only
#: after a server said so (older servers refuse unknown fields).
ACCEPTS_FLAGS = "flags"

#: "regular_mouse": pointer input at one fixed interval, moving by at most two vectors (a mouse
#: jiggler); "held_key": key presses at one fixed rate (a key held down or pressed by a tool).
InputFlagKind = Literal["regular_mouse", "held_key"]


class InputFlag(BaseModel):
    """One flag of a slot and the statistics of the slot's input that triggered it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: InputFlagKind
    #: Events of that kind in the slot.
    events: int = Field(ge=2, le=10_000_000)
    #: Mean seconds between two of them, and the coefficient of variation of those intervals
    #: (standard deviation / mean: 0 is a metronome; a person is far above 0.1).
    interval_seconds: float = Field(ge=0, le=3600)
    interval_cv: float = Field(ge=0, le=100)
    #: Mouse only (0 for keys): distinct movement vectors, and the largest move in pixels.
    distinct_moves: int = Field(default=0, ge=0, le=3)
    step_px: int = Field(default=0, ge=0, le=100_000)
