"""Screen capture with mss: one image per monitor.

On Linux mss's default backend is XShmGetImage (shared memory, no copy through the X socket),
falling back to XGetImage when MIT-SHM is missing. An mss instance belongs to the thread that
opened it (X11 connections are not shared between threads), so each capture thread opens its own.
"""

from __future__ import annotations

import sys
from typing import Protocol

import mss
from PIL import Image


class ScreenGrabber(Protocol):
    def grab_monitors(self) -> list[Image.Image]: ...

    def close(self) -> None: ...


class MssGrabber:
    """Every monitor as an RGB Pillow image, in mss's monitor order (the primary first)."""

    def __init__(self, display: str | None = None) -> None:
        if sys.platform.startswith("linux"):
            self._mss = mss.MSS(backend="xshmgetimage", display=display)
        else:
            self._mss = mss.MSS()

    def grab_monitors(self) -> list[Image.Image]:
        images = []
        # monitors[0] is the union of all monitors; the real ones follow.
        for monitor in self._mss.monitors[1:]:
            shot = self._mss.grab(monitor)
            # From the grabbed buffer itself: `shot.bgra` would first copy it (8 MB at 1080p).
            images.append(Image.frombytes("RGB", shot.size, shot.raw, "raw", "BGRX"))
        return images

    def grab_one_pixel(self) -> None:
        first = self._mss.monitors[1]
        self._mss.grab({"left": first["left"], "top": first["top"], "width": 1, "height": 1})

    def close(self) -> None:
        self._mss.close()


def open_screen_grabber() -> ScreenGrabber:
    return MssGrabber()


def probe_screen_grab() -> None:
    """Grab one pixel of the first monitor: raises when screenshots cannot be taken here."""
    grabber = MssGrabber()
    try:
        grabber.grab_one_pixel()
    finally:
        grabber.close()
