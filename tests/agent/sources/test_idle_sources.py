"""Where idle time can be detected: the idle source is given to the tracker only where the time
since the last input is really known (X11), never guessed (no display, XWayland)."""

from __future__ import annotations

import subprocess

import pytest

from worklens_agent.sources import open_sources
from worklens_wire.v1 import Policy


def _idle_availability(opened: object) -> tuple[bool, str]:
    [idle] = [s for s in opened.availability if s.name == "idle"]  # type: ignore[attr-defined]
    return idle.available, idle.reason


def test_x11_gives_the_seconds_since_the_last_input(display: str) -> None:
    opened = open_sources(Policy(version=1, capture_activity=False))
    try:
        assert _idle_availability(opened) == (True, "")
        assert opened.idle is not None
        subprocess.run(["xdotool", "mousemove", "30", "30"], check=True, timeout=30)
        assert opened.idle.idle_seconds() < 5
    finally:
        opened.close()


def test_no_idle_time_without_a_display_or_under_xwayland(
    display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")  # DISPLAY is XWayland's, say
    opened = open_sources(Policy(version=1))
    try:
        assert opened.idle is None
        assert _idle_availability(opened) == (
            False,
            "Wayland session: the time since the last input is not readable through XWayland",
        )
    finally:
        opened.close()
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY")
    opened = open_sources(Policy(version=1))
    try:
        assert opened.idle is None
        assert _idle_availability(opened) == (False, "no X display (DISPLAY is not set)")
    finally:
        opened.close()
