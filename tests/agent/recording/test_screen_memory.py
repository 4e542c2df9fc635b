"""The low-memory capture path: banded grabs on a real Xvfb, libwebp fed the grabbed BGRX pixels,
and the peak resident memory of one 1920x1080 capture measured in a fresh process."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap

import pytest
from PIL import Image, ImageChops, ImageDraw

from worklens_agent.desktop.webp import WebPError, bgrx_encoder
from worklens_agent.recording.screenshot_encoding import encode_screenshot
from worklens_agent.sources.screen import ScreenPixels
from worklens_wire.v1 import Policy

needs_libwebp = pytest.mark.skipif(bgrx_encoder() is None, reason="no shared libwebp here")
needs_xvfb = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed")


def desktop(width: int = 1920, height: int = 1080) -> Image.Image:
    image = Image.new("RGB", (width, height), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 4, height // 4, width // 2, height // 2), fill=(220, 20, 30))
    for x in range(width // 2 + 100, width - 100, 4):
        draw.line((x, 100, x, 300), fill=(0, 0, 0), width=2)
    return image


def as_pixels(image: Image.Image) -> ScreenPixels:
    """The image as the X server hands it over: B, G, R and an unused byte per pixel."""
    return ScreenPixels(image.width, image.height, bytearray(image.tobytes("raw", "BGRX")))


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@needs_libwebp
def test_grabbed_pixels_encode_to_the_same_webp_as_through_pillow() -> None:
    policy = Policy(version=1, screenshot_quality=75)
    image = desktop()
    direct = encode_screenshot(as_pixels(image), policy)
    through_pillow = encode_screenshot(image, policy)
    assert (direct.media_type, direct.width, direct.height) == ("image/webp", 1920, 1080)
    assert not direct.blurred
    assert direct.data == through_pillow.data
    assert decoded(direct.data).convert("RGB").getpixel((720, 405))[0] > 180  # red, not blue


@needs_libwebp
def test_the_direct_encoder_refuses_a_buffer_too_small_for_the_picture() -> None:
    encoder = bgrx_encoder()
    assert encoder is not None
    with pytest.raises(ValueError, match="cannot hold 64x64"):
        encoder.encode(bytearray(64 * 63 * 4), 64, 64, quality=75, method=2)
    with pytest.raises(WebPError, match="invalid WebP configuration"):
        encoder.encode(bytearray(64 * 64 * 4), 64, 64, quality=75, method=9)


def test_grabbed_pixels_that_must_be_scaled_or_blurred_go_through_pillow() -> None:
    pixels = as_pixels(desktop())
    scaled = encode_screenshot(pixels, Policy(version=1, screenshot_max_width=1280))
    assert (scaled.width, scaled.height) == (1280, 720)
    assert decoded(scaled.data).size == (1280, 720)
    blurred = encode_screenshot(pixels, Policy(version=1, screenshot_blur=True))
    assert blurred.blurred
    assert decoded(blurred.data).size == (1920, 1080)
    jpeg = encode_screenshot(pixels, Policy(version=1), webp=False)
    assert decoded(jpeg.data).format == "JPEG"


@pytest.mark.desktop
@needs_xvfb
def test_a_banded_grab_holds_the_same_pixels_as_one_whole_grab(display: str) -> None:
    import mss
    from Xlib import display as xdisplay

    from worklens_agent.sources.screen import MssGrabber

    # Stripes of every colour on the root window, 37 rows high (not a multiple of a band), so a
    # band put at the wrong row or a row dropped at a band's edge shows.
    x = xdisplay.Display()
    try:
        root = x.screen().root
        for index, top in enumerate(range(0, 1080, 37)):
            gc = root.create_gc(foreground=(index * 2654435761) & 0xFFFFFF)
            root.fill_rectangle(gc, 0, top, 1920, 37)
        x.sync()
        grabber = MssGrabber()
        try:
            (banded,) = grabber.grab_monitors()
        finally:
            grabber.close()
        with mss.MSS(backend="xshmgetimage") as whole:
            shot = whole.grab(whole.monitors[1])
    finally:
        x.close()
    assert isinstance(banded, ScreenPixels)
    assert banded.size == shot.size == (1920, 1080)
    assert len(banded.to_image().getcolors(maxcolors=4096) or ()) > 20
    assert banded.bgrx == shot.raw
    whole_image = Image.frombytes("RGB", shot.size, bytes(shot.raw), "raw", "BGRX")
    assert ImageChops.difference(banded.to_image(), whole_image).getbbox() is None


PEAK_PROBE = textwrap.dedent(
    """
    import json, sys
    import worklens_agent.recording.screenshots  # everything the agent loads before a capture
    from worklens_agent.desktop.memory import keep_big_buffers_out_of_the_heap, release_free_memory
    from worklens_agent.recording.screenshot_encoding import encode_screenshot, load_encoder
    from worklens_agent.journal.policy import DEFAULT_POLICY
    from worklens_agent.sources.screen import open_screen_grabber

    def kib(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1])
    keep_big_buffers_out_of_the_heap()
    load_encoder(DEFAULT_POLICY)
    grabber = open_screen_grabber()  # loads mss's libraries, as the agent's start-up probe does
    grabber.close()
    release_free_memory()
    before = kib("VmRSS")
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # VmHWM := VmRSS
    grabber = open_screen_grabber()
    try:
        images = grabber.grab_monitors()
    finally:
        grabber.close()
    encoded = [encode_screenshot(image, DEFAULT_POLICY) for image in images]
    print(json.dumps({"before": before, "peak": kib("VmHWM"), "bytes": len(encoded[0].data)}))
    """
)


@pytest.mark.desktop
@needs_xvfb
@needs_libwebp
def test_one_1080p_capture_needs_little_more_than_its_own_pixels(display: str) -> None:
    """Grab and encode of 1920x1080 (8 MB of pixels) in a fresh process: the peak stays within
    14 MB of where it started (it was 24-30 MB when the whole monitor was grabbed at once and
    Pillow encoded it)."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    figures = json.loads(done.stdout)
    assert figures["bytes"] > 0
    assert (figures["peak"] - figures["before"]) / 1024 < 14, figures
