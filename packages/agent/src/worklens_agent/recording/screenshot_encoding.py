"""Encoding a screenshot: scaled down to the policy's `screenshot_max_width`, blurred on the
device when the policy says so (before anything is written to disk), WebP at
`screenshot_quality` (JPEG when this Pillow has no WebP encoder). A capture that needs neither
scaling nor blur is encoded from the grabbed pixels themselves (desktop/webp.py)."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

from PIL import Image, ImageFilter

from worklens_agent.desktop.webp import bgrx_encoder
from worklens_agent.journal.screenshot_files import MediaType
from worklens_agent.sources.screen import ScreenPixels
from worklens_wire.v1 import Policy

#: libwebp's effort, 0-6. On a 1920x1080 desktop of text, 2 takes half the CPU time of 4 (about
#: 55 ms against 110) for 3 % more bytes; above 4 nothing is gained for this kind of image.
WEBP_METHOD = 2


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    media_type: MediaType
    width: int
    height: int
    blurred: bool


@functools.cache
def webp_available() -> bool:
    # Importing the two encoders' plugins registers them. Without that, the first save makes
    # Pillow import every format plugin it has (about fifty, AVIF's library among them): 4 MB more
    # resident for good, and 6 MB more at the first capture's peak.
    from PIL import JpegImagePlugin, WebPImagePlugin  # noqa: F401

    return bool(WebPImagePlugin.SUPPORTED)


def blur_radius(width: int) -> float:
    """Strong enough that text is unreadable while windows and layout stay recognisable."""
    return max(4.0, width / 160)


def encode_screenshot(
    image: Image.Image | ScreenPixels, policy: Policy, *, webp: bool | None = None
) -> EncodedImage:
    """Scale to the policy's maximum width, blur when asked, encode as WebP (JPEG fallback).

    Grabbed pixels that need neither go to libwebp as they are (desktop/webp.py): the same
    bytes as through Pillow, without the two full-size copies Pillow's encoder makes first.
    """
    available = webp_available()  # also registers both encoders (see there)
    use_webp = available if webp is None else webp
    if isinstance(image, ScreenPixels):
        direct = bgrx_encoder() if use_webp else None
        if (
            direct is not None
            and image.width <= policy.screenshot_max_width
            and not policy.screenshot_blur
        ):
            data = direct.encode(
                image.bgrx,
                image.width,
                image.height,
                quality=policy.screenshot_quality,
                method=WEBP_METHOD,
            )
            return EncodedImage(data, "image/webp", image.width, image.height, blurred=False)
        image = image.to_image()
    if image.mode != "RGB":
        image = image.convert("RGB")
    if image.width > policy.screenshot_max_width:
        height = max(1, round(image.height * policy.screenshot_max_width / image.width))
        # reducing_gap: a cheap integer reduce first, then a short high-quality resample.
        image = image.resize(
            (policy.screenshot_max_width, height),
            Image.Resampling.BICUBIC,
            reducing_gap=2.0,
        )
    if policy.screenshot_blur:
        image = image.filter(ImageFilter.GaussianBlur(blur_radius(image.width)))
    buffer = io.BytesIO()
    if use_webp:
        image.save(buffer, "WEBP", quality=policy.screenshot_quality, method=WEBP_METHOD)
        media_type: MediaType = "image/webp"
    else:
        image.save(buffer, "JPEG", quality=policy.screenshot_quality)
        media_type = "image/jpeg"
    return EncodedImage(
        buffer.getvalue(), media_type, image.width, image.height, policy.screenshot_blur
    )


def load_encoder(policy: Policy) -> None:
    """Load the encoder (Pillow's plugins, libwebp) at start-up rather than inside the first
    capture: what loading leaves free is then handed back with the rest of start-up's, and the
    first capture's peak is no higher than any other's."""
    encode_screenshot(ScreenPixels(16, 16, bytearray(16 * 16 * 4)), policy)
