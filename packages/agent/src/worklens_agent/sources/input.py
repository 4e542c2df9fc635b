"""Keyboard and mouse event counts on every OS, and the one check pynput cannot make itself.

The counter is `input_x11.InputCounter` (its module name is historical): pynput's listeners are
XRecord on X11, low-level hooks on Windows and a Quartz event tap on macOS, and the counter only
adds one per event on each. On macOS the event tap needs the Input Monitoring permission; without
it pynput's listener thread just ends and counts stay at zero, which would look like an idle
employee. So the permission is checked first, and a refusal is reported with that reason.
"""

from __future__ import annotations

import sys
from typing import Any

from worklens_agent.sources.input_x11 import InputCounter

__all__ = ["MACOS_INPUT_PERMISSION", "InputCounter", "macos_may_listen", "start_input_counter"]

MACOS_INPUT_PERMISSION = (
    "macOS has not given this app the Input Monitoring permission (System Settings > Privacy &"
    " Security > Input Monitoring); grant it and restart the agent"
)


def macos_may_listen(quartz: Any = None) -> bool:
    """Whether macOS lets this process listen to input events; asks the user once when not.

    CGPreflightListenEventAccess exists from macOS 10.15, where Input Monitoring appeared; older
    systems have no such permission.
    """
    if quartz is None:
        import Quartz  # type: ignore[import-not-found,unused-ignore]

        quartz = Quartz
    preflight = getattr(quartz, "CGPreflightListenEventAccess", None)
    if preflight is None or bool(preflight()):
        return True
    # Puts the app in the Input Monitoring list and shows macOS's prompt (once per app).
    quartz.CGRequestListenEventAccess()
    return False


def start_input_counter() -> InputCounter:
    """A started counter; raises when none can run (PermissionError: macOS refused it)."""
    if sys.platform == "darwin" and not macos_may_listen():
        raise PermissionError(MACOS_INPUT_PERMISSION)
    counter = InputCounter()
    counter.start()
    return counter
