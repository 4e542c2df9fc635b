"""Screenshot thumbnails for Tk: Pillow reads WebP/JPEG and hands Tk a PNG, which Tk 8.6 reads
itself (so no PIL.ImageTk, whose extension some Pillow builds lack)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

THUMBNAIL_SIZE = (192, 108)


def thumbnail_png(path: Path, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    with Image.open(path) as image:
        image.thumbnail(size)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def tk_image_data(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")
