"""Screen capture with mss: one image per monitor.

On Linux mss's default backend is XShmGetImage (shared memory, no copy through the X socket),
falling back to XGetImage when MIT-SHM is missing. An mss instance belongs to the thread that
opened it (X11 connections are not shared between threads), so each capture thread opens its own.

A monitor is grabbed in horizontal bands of about 1 MiB, each converted into one RGB image as it
arrives: grabbed whole, a 1920x1080 monitor would sit in memory three times over at once (the
shared-memory segment, mss's copy of it and the RGB image, 8 MB each). The bands are taken a few
milliseconds apart, well within the moment a screenshot stands for.
"""

from __future__ import annotations

import sys
from typing import Protocol

import mss
from PIL import Image

#: Bytes of BGRX pixels grabbed at a time (rounded to whole rows).
BAND_BYTES = 1024 * 1024


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
            images.append(self._grab_in_bands(monitor))
        return images

    def _grab_in_bands(self, monitor: dict[str, int]) -> Image.Image:
        left, top, width, height = (monitor[key] for key in ("left", "top", "width", "height"))
        image = Image.new("RGB", (width, height))
        rows = max(1, BAND_BYTES // (4 * width))
        for y in range(0, height, rows):
            region = {"left": left, "top": top + y, "width": width, "height": min(rows, height - y)}
            shot = self._mss.grab(region)
            # From the grabbed buffer itself: `shot.bgra` would first copy it.
            image.paste(Image.frombytes("RGB", shot.size, shot.raw, "raw", "BGRX"), (0, y))
            del shot
        return image

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
