"""Desktop-like images made with Pillow, standing in for what a monitor shows."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

RED = (220, 20, 30)


def screen(width: int = 2560, height: int = 1440) -> Image.Image:
    """A desktop-like image: grey background, a red block, fine black-and-white text stripes."""
    image = Image.new("RGB", (width, height), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width // 2, height // 2), fill=RED)
    for x in range(width // 2 + 100, width - 100, 4):
        draw.line((x, 100, x, 300), fill=(0, 0, 0), width=2)
    return image


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
