"""The perceptual hash that tells a screen unchanged since the previous capture."""

from __future__ import annotations

from PIL import Image, ImageDraw

from worklens_agent.recording.screen_hash import same_screen, screen_hash
from worklens_agent.sources.screen import ScreenPixels


def _desktop(*, window_at: int, clock: str = "10:41") -> Image.Image:
    image = Image.new("RGB", (1280, 720), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    draw.rectangle((window_at, 100, window_at + 500, 500), fill=(240, 240, 240))
    draw.rectangle((0, 690, 1280, 720), fill=(20, 20, 20))
    draw.text((1220, 700), clock, fill=(255, 255, 255))
    return image


def _pixels(image: Image.Image) -> ScreenPixels:
    return ScreenPixels(image.width, image.height, bytearray(image.convert("RGBX").tobytes()))


def test_the_same_screen_hashes_the_same_even_with_the_clock_changed() -> None:
    first = screen_hash(_desktop(window_at=100))
    assert same_screen(first, screen_hash(_desktop(window_at=100)))
    assert same_screen(first, screen_hash(_desktop(window_at=100, clock="10:51")))


def test_a_moved_window_is_another_screen() -> None:
    first = screen_hash(_desktop(window_at=100))
    assert not same_screen(first, screen_hash(_desktop(window_at=700)))


def test_grabbed_pixels_hash_like_each_other_without_a_copy() -> None:
    still = _pixels(_desktop(window_at=100))
    assert same_screen(screen_hash(still), screen_hash(_pixels(_desktop(window_at=100))))
    assert not same_screen(screen_hash(still), screen_hash(_pixels(_desktop(window_at=700))))
