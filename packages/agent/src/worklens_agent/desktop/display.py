"""Whether this session has a display the desktop backends (capture, tray, dialogs) can use."""

from __future__ import annotations

import os
import sys


def display_problem() -> str | None:
    """Why no desktop backend can run here, or None when one might."""
    if sys.platform in ("win32", "darwin"):
        return None  # a desktop session always has its screen; each backend says if it fails
    if not sys.platform.startswith("linux"):
        return f"no capture backend for {sys.platform} yet"
    if not os.environ.get("DISPLAY"):
        if os.environ.get("WAYLAND_DISPLAY"):
            return "Wayland session without X11 (DISPLAY is not set)"
        return "no X display (DISPLAY is not set)"
    return None
