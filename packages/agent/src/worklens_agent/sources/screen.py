"""Screen capture with mss: the pixels of each monitor.

On Linux mss's default backend is XShmGetImage (shared memory, no copy through the X socket),
falling back to XGetImage when MIT-SHM is missing. An mss instance belongs to the thread that
opened it (X11 connections are not shared between threads), so each capture thread opens its own.

A monitor is grabbed in horizontal bands of about 1 MiB, each copied into one buffer of BGRX
pixels as it arrives: grabbed whole, a 1920x1080 monitor would sit in memory twice more at once
(the shared-memory segment and mss's copy of it, 8 MB each). The bands are taken a few
milliseconds apart, well within the moment a screenshot stands for. The buffer goes to the
encoder as it is (see `worklens_agent.webp`), or becomes a Pillow image when it must be scaled
or blurred.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import mss
from PIL import Image

#: Bytes of BGRX pixels grabbed at a time (rounded to whole rows).
BAND_BYTES = 1024 * 1024


@dataclass(frozen=True, eq=False)
class ScreenPixels:
    """One monitor as grabbed: `width` x `height` pixels of 4 bytes (B, G, R, unused), rows top
    to bottom."""

    width: int
    height: int
    bgrx: bytearray

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def to_image(self) -> Image.Image:
        return Image.frombuffer("RGB", self.size, self.bgrx, "raw", "BGRX", 0, 1)


class ScreenGrabber(Protocol):
    def grab_monitors(self) -> Sequence[Image.Image | ScreenPixels]: ...

    def close(self) -> None: ...


class MssGrabber:
    """Every monitor's pixels, in mss's monitor order (the primary first)."""

    def __init__(self, display: str | None = None) -> None:
        if sys.platform.startswith("linux"):
            self._mss = mss.MSS(backend="xshmgetimage", display=display)
        else:
            self._mss = mss.MSS()

    def grab_monitors(self) -> list[ScreenPixels]:
        # monitors[0] is the union of all monitors; the real ones follow.
        return [self._grab_in_bands(monitor) for monitor in self._mss.monitors[1:]]

    def _grab_in_bands(self, monitor: dict[str, Any]) -> ScreenPixels:
        left, top, width, height = (int(monitor[key]) for key in ("left", "top", "width", "height"))
        row_bytes = 4 * width
        pixels = bytearray(row_bytes * height)
        rows = max(1, BAND_BYTES // row_bytes)
        for y in range(0, height, rows):
            band = min(rows, height - y)
            shot = self._mss.grab({"left": left, "top": top + y, "width": width, "height": band})
            # shot.raw is the grabbed buffer itself (`shot.bgra` would copy it first).
            if len(shot.raw) != band * row_bytes:
                raise mss.ScreenShotError(f"{len(shot.raw)} bytes for {width}x{band} pixels")
            pixels[y * row_bytes : (y + band) * row_bytes] = shot.raw
        return ScreenPixels(width, height, pixels)

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
