"""Screenshot images for the demo history: a fake desktop drawn with Pillow, with the window in
front framed and titled as the app span says (an address bar for a browser's URL), content
blocks of the application's kind, and a taskbar clock at the moment it was taken.

Drawn in a 256-colour palette and stored as PNG, a format the server accepts from agents (they
send WebP, or JPEG without a WebP encoder). Measured on one of these 1280x800 desktops: a palette
PNG takes 2 ms and 10 to 25 KB; a JPEG at the default quality about as long but 60 to 135 KB
(half a gigabyte for the two weeks); a WebP 12 KB but 30 to 60 ms (minutes for the history's
thousands). A window's picture is drawn once and reused (the same window looks the same); only
the clock and the mouse pointer change from one screenshot to the next.
"""

from __future__ import annotations

import functools
import io
import random
import zlib

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from worklens_server.operations.demo_cast import Window

Colour = tuple[int, int, int]
_TASKBAR = 36
_TITLE_BAR = 34
_ADDRESS_BAR = 34
_WALLPAPER: Colour = (46, 84, 120)
_GREY: Colour = (200, 204, 210)
_DARK: Colour = (38, 41, 48)
#: Page colours of each application: (background, accent).
_THEMES: dict[str, tuple[Colour, Colour]] = {
    "Visual Studio Code": ((30, 30, 30), (0, 122, 204)),
    "Terminal": ((16, 16, 16), (90, 200, 90)),
    "Slack": ((255, 255, 255), (74, 21, 75)),
    "Figma": ((229, 229, 229), (162, 89, 255)),
    "LibreOffice Calc": ((255, 255, 255), (24, 160, 80)),
    "Zoom": ((26, 26, 26), (45, 140, 255)),
    "Firefox": ((255, 255, 255), (230, 96, 0)),
}


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _lines(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    box: tuple[int, int, int, int],
    colours: list[Colour],
    height: int = 8,
    gap: int = 10,
) -> None:
    """Lines of 'text' (bars of varying length and indent) filling `box`."""
    left, top, right, bottom = box
    y = top
    indent = 0
    while y + height < bottom:
        if rng.random() < 0.12:  # a blank line between paragraphs or functions
            y += height + gap
            indent = rng.choice((0, 0, 24, 48))
            continue
        start = left + indent
        end = min(right, start + rng.randint(60, max(61, right - start)))
        draw.rounded_rectangle((start, y, end, y + height), 3, fill=rng.choice(colours))
        y += height + gap


def _code(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    draw.rectangle((left, top, left + 220, bottom), fill=(37, 37, 38))  # the file tree
    _lines(draw, rng, (left + 16, top + 14, left + 200, bottom), [(150, 150, 150)], 7, 12)
    palette = [(86, 156, 214), (206, 145, 120), (220, 220, 170), (156, 220, 254), (106, 153, 85)]
    _lines(draw, rng, (left + 250, top + 16, right - 40, bottom - 10), palette, 8, 11)


def _page(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    box: tuple[int, int, int, int],
    accent: Colour,
) -> None:
    """A web page: a header in the site's colour, a heading, a side panel and paragraphs or a
    table (ticket lists, boards)."""
    left, top, right, bottom = box
    draw.rectangle((left, top, right, top + 48), fill=accent)
    draw.rectangle((left + 24, top + 72, left + 420, top + 92), fill=(60, 60, 60))
    draw.rectangle((right - 260, top + 110, right - 24, bottom - 24), fill=(244, 245, 247))
    if rng.random() < 0.5:
        for row in range(top + 120, bottom - 40, 36):
            draw.line((left + 24, row, right - 290, row), fill=(225, 225, 225), width=1)
            draw.rectangle((left + 30, row + 10, left + 90, row + 22), fill=accent)
            draw.rectangle(
                (left + 110, row + 10, left + rng.randint(300, 560), row + 22), fill=_GREY
            )
    else:
        _lines(
            draw, rng, (left + 24, top + 120, right - 290, bottom - 24), [_GREY, (170, 175, 185)]
        )


def _chat(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    draw.rectangle((left, top, left + 240, bottom), fill=(74, 21, 75))
    _lines(draw, rng, (left + 20, top + 20, left + 200, bottom), [(200, 170, 200)], 8, 14)
    y = top + 24
    while y + 60 < bottom:
        colour = rng.choice([(224, 30, 90), (46, 182, 125), (54, 197, 240), (236, 178, 46)])
        draw.rounded_rectangle((left + 264, y, left + 300, y + 36), 6, fill=colour)
        draw.rectangle((left + 316, y + 2, left + 420, y + 12), fill=(40, 40, 40))
        _lines(draw, rng, (left + 316, y + 22, right - 40, y + 58), [_GREY], 7, 9)
        y += 76


def _sheet(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    for x in range(left + 40, right, 110):
        draw.line((x, top, x, bottom), fill=(218, 220, 224))
    for y in range(top + 24, bottom, 22):
        draw.line((left, y, right, y), fill=(218, 220, 224))
        for x in range(left + 46, right - 100, 110):
            if rng.random() < 0.7:
                draw.rectangle((x, y + 7, x + rng.randint(30, 90), y + 15), fill=(90, 90, 90))


def _canvas(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    draw.rectangle((left, top, left + 200, bottom), fill=(255, 255, 255))
    _lines(draw, rng, (left + 16, top + 16, left + 184, bottom), [(120, 120, 120)], 7, 13)
    x = left + 260
    while x + 200 < right - 20:  # phone-sized frames of the mock-up
        draw.rounded_rectangle((x, top + 60, x + 180, top + 420), 18, fill=(255, 255, 255))
        draw.rectangle((x + 16, top + 90, x + 164, top + 180), fill=(162, 89, 255))
        _lines(draw, rng, (x + 16, top + 200, x + 164, top + 400), [_GREY], 8, 10)
        x += 220


def _call(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    width, height = (right - left - 60) // 2, (bottom - top - 90) // 2
    for row in range(2):
        for column in range(2):
            x, y = left + 20 + column * (width + 20), top + 20 + row * (height + 20)
            draw.rectangle((x, y, x + width, y + height), fill=(52, 52, 56))
            cx, cy = x + width // 2, y + height // 2
            colour = (rng.randint(90, 220), rng.randint(90, 220), rng.randint(90, 220))
            draw.ellipse((cx - 40, cy - 40, cx + 40, cy + 40), fill=colour)
    draw.rounded_rectangle(
        (right - 120, bottom - 50, right - 20, bottom - 14), 8, fill=(220, 50, 50)
    )


@functools.lru_cache(maxsize=64)
def _window_picture(window: Window, width: int, height: int) -> Image.Image:
    """The desktop with `window` in front, without clock and pointer."""
    rng = random.Random(zlib.crc32(f"{window.app}|{window.title}|{window.url}".encode()))
    image = Image.new("P", (width, height))
    draw = ImageDraw.Draw(image)  # takes the colours below into the palette as they come
    draw.rectangle((0, 0, width, height), fill=_WALLPAPER)
    background, accent = _THEMES.get(window.app, ((255, 255, 255), (80, 80, 80)))
    left, top, right, bottom = 24, 18, width - 24, height - _TASKBAR - 14
    draw.rectangle((left + 4, top + 4, right + 4, bottom + 4), fill=(30, 56, 82))  # shadow
    draw.rectangle((left, top, right, top + _TITLE_BAR), fill=(222, 224, 228))
    for n, colour in enumerate(((237, 106, 94), (245, 191, 79), (98, 197, 84))):
        draw.ellipse((left + 12 + 20 * n, top + 11, left + 24 + 20 * n, top + 23), fill=colour)
    draw.text((left + 84, top + 9), window.title[:110], fill=(30, 30, 30), font=_font(15))
    content_top = top + _TITLE_BAR
    if window.url:
        draw.rectangle((left, content_top, right, content_top + _ADDRESS_BAR), fill=(244, 244, 246))
        draw.rounded_rectangle(
            (left + 90, content_top + 5, right - 90, content_top + _ADDRESS_BAR - 5),
            6,
            fill=(255, 255, 255),
            outline=(200, 200, 205),
        )
        draw.text((left + 104, content_top + 9), window.url, fill=(60, 60, 60), font=_font(14))
        content_top += _ADDRESS_BAR
    box = (left, content_top, right, bottom)
    draw.rectangle(box, fill=background)
    drawers = {
        "Visual Studio Code": _code,
        "Slack": _chat,
        "Figma": _canvas,
        "LibreOffice Calc": _sheet,
        "Zoom": _call,
    }
    if window.app == "Terminal":
        _lines(draw, rng, (left + 16, content_top + 14, right - 60, bottom), [accent, _GREY], 8, 9)
    elif window.app in drawers:
        drawers[window.app](draw, rng, box)
    else:
        _page(draw, rng, box, accent)
    draw.rectangle((0, height - _TASKBAR, width, height), fill=_DARK)
    for n, colour in enumerate(theme[1] for theme in _THEMES.values()):
        x = 16 + 44 * n
        draw.rounded_rectangle((x, height - 30, x + 24, height - 6), 5, fill=colour)
    return image


def draw_screenshot(
    *, window: Window, local_time: str, width: int, height: int, seed: int, blurred: bool = False
) -> bytes:
    """A PNG of the desktop with `window` in front at `local_time` (HH:MM), blurred as the
    agent blurs it when the policy asks (then in full colour: a blur makes new colours)."""
    image = _window_picture(window, width, height).copy()
    draw = ImageDraw.Draw(image)
    draw.text((width - 64, height - 28), local_time, fill=(235, 235, 235), font=_font(16))
    rng = random.Random(seed)
    x, y = rng.randint(60, width - 60), rng.randint(60, height - 80)
    draw.polygon([(x, y), (x, y + 20), (x + 5, y + 15), (x + 13, y + 15)], fill=(255, 255, 255))
    if blurred:
        image = image.convert("RGB").filter(ImageFilter.GaussianBlur(8))
    buffer = io.BytesIO()
    # Level 1: zlib's fastest; higher levels save a few kilobytes for twice the time.
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()
