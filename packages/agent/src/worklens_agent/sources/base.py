"""What an activity source gives the tracker: counts and whether there was input, no more."""

from __future__ import annotations

import time
from typing import NamedTuple, Protocol

from worklens_agent.sources.input_timing import InputTiming


class ActivitySample(NamedTuple):
    """Activity since the previous sample. Counts only: never which key or where; `timing`
    holds when the events happened and how far the pointer moved (input_timing.py)."""

    keyboard_events: int
    mouse_events: int
    had_input: bool
    timing: InputTiming | None = None


NO_ACTIVITY = ActivitySample(keyboard_events=0, mouse_events=0, had_input=False)


class ActivitySource(Protocol):
    def sample(self) -> ActivitySample:
        """Activity since the previous call (or since the source was opened)."""
        ...

    def close(self) -> None: ...


class IdleBackend(Protocol):
    """Seconds since the last keyboard or mouse input on this computer (X11, Windows, macOS)."""

    def idle_seconds(self) -> float: ...

    def close(self) -> None: ...


def print_idle_every_second(monitor: IdleBackend) -> None:
    """Run an idle backend by hand (`python -m worklens_agent.sources.idle_<os>`) until Ctrl-C."""
    try:
        while True:
            print(f"idle={monitor.idle_seconds():.1f}s", flush=True)
            time.sleep(1)
    except KeyboardInterrupt:
        monitor.close()


class TimeOnlySource:
    """Used when no input or idle backend works (no display, Wayland, policy off): time only."""

    def sample(self) -> ActivitySample:
        return NO_ACTIVITY

    def close(self) -> None:
        return None
