"""Capture sources. The OS backend for each kind is chosen here, in one place.

Input counts (pynput) and idle time run on X11, Windows and macOS; on Linux without a display or
on Wayland the agent tracks time only and says why. Every source plugs in the same way: a module
per kind and backend, a probe that says whether it works and why not, and a line in
`open_sources` (idle backends: `open_idle_monitor`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field

from worklens_agent.desktop.display import display_problem
from worklens_agent.sources.base import (
    NO_ACTIVITY,
    ActivitySample,
    ActivitySource,
    IdleBackend,
    TimeOnlySource,
)
from worklens_agent.sources.idle_x11 import IdleMonitor
from worklens_agent.sources.input import InputCounter, start_input_counter
from worklens_agent.sources.screen import probe_screen_grab
from worklens_agent.sources.window import ActiveWindow, WindowSource
from worklens_wire.v1 import CaptureSource, Policy

log = logging.getLogger(__name__)

__all__ = [
    "NO_ACTIVITY",
    "ActiveWindow",
    "ActivitySample",
    "ActivitySource",
    "IdleBackend",
    "InputActivitySource",
    "OpenedSources",
    "TimeOnlySource",
    "WindowSource",
    "open_idle_monitor",
    "open_sources",
    "open_window_source",
    "screenshot_availability",
]


class InputActivitySource:
    """Input counts (pynput) and idle time (the OS's backend) combined; either may be missing."""

    def __init__(self, counter: InputCounter | None, idle: IdleBackend | None) -> None:
        self._counter = counter
        self._idle = idle
        self._last = time.monotonic()

    def sample(self) -> ActivitySample:
        now = time.monotonic()
        elapsed, self._last = now - self._last, now
        keyboard, mouse, timing = (
            self._counter.take_with_timing() if self._counter else (0, 0, None)
        )
        had_input = keyboard > 0 or mouse > 0
        if not had_input and self._idle is not None:
            try:
                had_input = self._idle.idle_seconds() < elapsed
            except Exception:  # one failed poll is logged; the next goes on
                log.exception("idle poll failed")
        return ActivitySample(keyboard, mouse, had_input, timing)

    def close(self) -> None:
        if self._counter is not None:
            self._counter.stop()
        if self._idle is not None:
            self._idle.close()


X11ActivitySource = InputActivitySource  # its name before Windows and macOS had backends


def open_idle_monitor() -> IdleBackend:
    """The idle-time backend for this OS, chosen here and only here; raises when it cannot run."""
    if sys.platform == "win32":
        from worklens_agent.sources.idle_windows import WindowsIdleMonitor

        return WindowsIdleMonitor()
    if sys.platform == "darwin":
        from worklens_agent.sources.idle_macos import MacIdleMonitor

        return MacIdleMonitor()
    return IdleMonitor()


def open_window_source(policy: Policy) -> tuple[WindowSource | None, CaptureSource]:
    """The active-window backend for this OS, or None and why not.

    Opened even when the policy has apps off (it reads nothing until polled, and the span
    builder never polls it then), so that turning apps on takes effect without a restart.
    """
    try:
        source: WindowSource
        if sys.platform == "win32":
            from worklens_agent.sources.window_windows import WindowsWindowSource

            source = WindowsWindowSource()
        elif sys.platform == "darwin":
            from worklens_agent.sources.window_macos import MacWindowSource

            source = MacWindowSource()
        else:
            problem = display_problem()
            if problem is None and os.environ.get("WAYLAND_DISPLAY"):
                # XWayland shows only X11 clients: the app in front would be wrong most of the time.
                problem = "Wayland session: the active window is not readable through XWayland"
            if problem is not None:
                return None, CaptureSource(name="window", available=False, reason=problem)
            from worklens_agent.sources.window_x11 import X11WindowSource

            source = X11WindowSource()
    except Exception as exc:  # no pyobjc, no X connection, ...: time tracking goes on
        log.warning("active window unavailable: %s", exc)
        return None, CaptureSource(name="window", available=False, reason=_reason(exc))
    if not policy.capture_apps:
        return source, CaptureSource(
            name="window", available=False, reason="off in the company's policy"
        )
    return source, CaptureSource(name="window", available=True)


@dataclass
class OpenedSources:
    activity: ActivitySource
    availability: list[CaptureSource] = field(default_factory=list)
    window: WindowSource | None = None
    #: Seconds since the last input, for idle time (idle.py); None where it cannot be known
    #: (no display, Wayland, other OS): then no idle time is detected, none is made up.
    idle: IdleBackend | None = None

    def close(self) -> None:
        self.activity.close()
        if self.window is not None:
            self.window.close()


def open_sources(policy: Policy) -> OpenedSources:
    """Start every source the policy allows and this machine supports; report the rest and why."""
    availability = [CaptureSource(name="time", available=True)]
    window, window_availability = open_window_source(policy)
    opened = _open_activity(policy, availability)
    opened.availability.append(window_availability)
    opened.availability.append(screenshot_availability(policy))
    opened.window = window
    return opened


def screenshot_availability(policy: Policy) -> CaptureSource:
    """Whether a screenshot can be taken here, proved by grabbing one pixel; and why not."""
    problem = display_problem() if sys.platform.startswith("linux") else None
    if problem is not None:
        return CaptureSource(name="screenshot", available=False, reason=problem)
    try:
        probe_screen_grab()
    except Exception as exc:  # no MIT-SHM and no XGetImage, a locked-down macOS, ...
        log.warning("screenshots unavailable: %s", exc)
        return CaptureSource(name="screenshot", available=False, reason=_reason(exc))
    if policy.screenshots_per_interval == 0:
        return CaptureSource(
            name="screenshot", available=False, reason="off in the company's policy"
        )
    return CaptureSource(name="screenshot", available=True)


def _open_activity(policy: Policy, availability: list[CaptureSource]) -> OpenedSources:
    problem = display_problem()
    if problem is not None:
        availability += [
            CaptureSource(name="input", available=False, reason=problem),
            CaptureSource(name="idle", available=False, reason=problem),
        ]
        return OpenedSources(TimeOnlySource(), availability)

    counter: InputCounter | None = None
    if not policy.capture_activity:
        availability.append(
            CaptureSource(name="input", available=False, reason="off in the company's policy")
        )
    else:
        try:
            counter = start_input_counter()
            availability.append(CaptureSource(name="input", available=True))
        except Exception as exc:
            counter = None
            log.warning("input counts unavailable: %s", exc)
            availability.append(CaptureSource(name="input", available=False, reason=_reason(exc)))
    idle: IdleBackend | None = None
    if sys.platform.startswith("linux") and os.environ.get("WAYLAND_DISPLAY"):
        # XWayland's idle counter sees only input to X11 clients: typing in any Wayland window
        # would look like idle time. No idle time rather than made-up idle time.
        reason = "Wayland session: the time since the last input is not readable through XWayland"
        log.warning("idle time unavailable: %s", reason)
        availability.append(CaptureSource(name="idle", available=False, reason=reason))
    else:
        try:
            idle = open_idle_monitor()
            availability.append(CaptureSource(name="idle", available=True))
        except Exception as exc:
            log.warning("idle time unavailable: %s", exc)
            availability.append(CaptureSource(name="idle", available=False, reason=_reason(exc)))
    if counter is None and idle is None:
        return OpenedSources(TimeOnlySource(), availability)
    return OpenedSources(InputActivitySource(counter, idle), availability, idle=idle)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:255]
