"""Screenshot images at rest: checked by content, encrypted with Fernet, kept in Django's
default storage (a local directory by default, S3 when configured)."""

from __future__ import annotations

import base64
import functools
import io

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from PIL import Image, UnidentifiedImageError

#: Image formats the server accepts, as Pillow names them.
ACCEPTED_IMAGE_FORMATS = frozenset({"WEBP", "JPEG", "PNG"})


def detect_image_format(data: bytes) -> str | None:
    """The image's format when `data` really is a WebP, JPEG or PNG image; None otherwise.
    Decided by content (Pillow's parsers plus verify()), never by file name or header."""
    try:
        with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_IMAGE_FORMATS)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return image_format if image_format in ACCEPTED_IMAGE_FORMATS else None


def _derive_key(secret: str) -> bytes:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"worklens screenshots v1"
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(key)


@functools.lru_cache(maxsize=4)
def _fernet(configured_key: str, secret_key: str) -> Fernet:
    return Fernet(configured_key.encode() if configured_key else _derive_key(secret_key))


def screenshot_cipher() -> Fernet:
    """WORKLENS_ENCRYPTION_KEY when set (a Fernet key), else a key derived from SECRET_KEY."""
    return _fernet(settings.WORKLENS_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt_image(data: bytes) -> bytes:
    return screenshot_cipher().encrypt(data)


def decrypt_image(token: bytes) -> bytes:
    return screenshot_cipher().decrypt(token)
