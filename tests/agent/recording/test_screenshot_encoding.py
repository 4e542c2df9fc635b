"""Encoding a screenshot with real Pillow images: scaling, the JPEG fallback, the blur."""

from __future__ import annotations

from agent_fake_screen import decoded, screen
from PIL import ImageStat

from worklens_agent.journal.screenshot_files import file_suffix
from worklens_agent.recording.screenshot_encoding import encode_screenshot
from worklens_wire.v1 import Policy


def test_encoding_scales_to_max_width_as_webp_and_keeps_the_colours() -> None:
    policy = Policy(version=1, screenshot_max_width=1280, screenshot_quality=70)
    encoded = encode_screenshot(screen(), policy)
    image = decoded(encoded.data)
    assert (image.format, encoded.media_type) == ("WEBP", "image/webp")
    assert image.size == (encoded.width, encoded.height) == (1280, 720)
    assert not encoded.blurred
    r, g, b = image.convert("RGB").getpixel((480, 270))  # the red block's centre
    assert r > 180
    assert g < 60
    assert b < 70
    assert len(encoded.data) < 100_000


def test_encoding_never_scales_up_and_falls_back_to_jpeg() -> None:
    policy = Policy(version=1, screenshot_max_width=1920, screenshot_quality=80)
    encoded = encode_screenshot(screen(800, 600), policy, webp=False)
    image = decoded(encoded.data)
    assert (image.format, encoded.media_type, file_suffix(encoded.media_type)) == (
        "JPEG",
        "image/jpeg",
        ".jpg",
    )
    assert image.size == (800, 600)


def test_blur_makes_fine_detail_unreadable_but_keeps_the_colour_blocks() -> None:
    sharp = encode_screenshot(screen(1920, 1080), Policy(version=1, screenshot_quality=90))
    blurred = encode_screenshot(
        screen(1920, 1080), Policy(version=1, screenshot_quality=90, screenshot_blur=True)
    )
    assert blurred.blurred
    stripes = (1060, 120, 1800, 280)
    sharp_stripes = ImageStat.Stat(decoded(sharp.data).convert("L").crop(stripes)).stddev[0]
    blurred_stripes = ImageStat.Stat(decoded(blurred.data).convert("L").crop(stripes)).stddev[0]
    assert sharp_stripes > 50  # black-and-white lines two pixels apart
    assert blurred_stripes < 10  # smeared into an even grey
    r, g, _b = decoded(blurred.data).convert("RGB").getpixel((720, 405))
    assert r > 180
    assert g < 60
