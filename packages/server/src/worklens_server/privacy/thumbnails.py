"""Small previews of screenshots, made on request from the decrypted image and never stored:
a stored preview would be one more copy of the screen to encrypt, audit and delete."""

from __future__ import annotations

import io

from PIL import Image

THUMBNAIL_WIDTH = 320


def make_thumbnail(image: bytes, *, width: int = THUMBNAIL_WIDTH) -> bytes:
    """A WebP at most `width` pixels wide with the image's aspect ratio."""
    with Image.open(io.BytesIO(image)) as source:
        preview = source.convert("RGB")
    preview.thumbnail((width, width * 4))
    out = io.BytesIO()
    preview.save(out, format="WEBP", quality=70)
    return out.getvalue()
