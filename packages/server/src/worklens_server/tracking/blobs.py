"""Screenshot images at rest: checked by content, encrypted with Fernet, kept in Django's
default storage (a local directory by default, S3 when configured), read back and deleted.

The one place that knows where an image file lives and that touches the storage: every image
of a company is kept below `company_images_prefix`, so deleting a company can remove them all.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import io
import os
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from worklens_server.tracking.models import Screenshot

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


def company_images_prefix(company_id: uuid.UUID) -> str:
    """The storage directory below which every image of the company is kept."""
    return f"screenshots/{company_id}"


def store_image(
    *, company_id: uuid.UUID, screenshot_id: uuid.UUID, taken_at: dt.datetime, data: bytes
) -> str:
    """Encrypts `data` and stores it below the company's prefix; the stored file's name."""
    return default_storage.save(
        f"{company_images_prefix(company_id)}/{taken_at:%Y/%m/%d}/{screenshot_id}.fernet",
        ContentFile(encrypt_image(data)),
    )


def read_image(name: str) -> bytes:
    """The decrypted image stored as `name`."""
    with default_storage.open(name, "rb") as handle:
        return decrypt_image(handle.read())


def stored_image_names(screenshots: QuerySet[Screenshot]) -> list[str]:
    """The files `screenshots` point at (a screenshot without an image has none)."""
    return [name for name in screenshots.values_list("image", flat=True) if name]


def delete_images(names: Iterable[str]) -> int:
    """Deletes the stored files `names`; how many there were."""
    deleted = 0
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
    return deleted


def _files_under(prefix: str) -> list[str]:
    """Every stored file below `prefix` (also files no row points at any more, such as the
    loser of two concurrent uploads of one screenshot)."""
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    found = [f"{prefix}/{name}" for name in files]
    for directory in directories:
        found.extend(_files_under(f"{prefix}/{directory}"))
    return found


def _remove_empty_directories(prefix: str) -> None:
    """Local storage only: the empty day directories of a deleted company go as well."""
    try:
        root = default_storage.path(prefix)
    except NotImplementedError:
        return  # object storage has no directories
    for current, _dirs, _files in sorted(os.walk(root), key=lambda w: -len(w[0])):
        with contextlib.suppress(OSError):
            os.rmdir(current)


def delete_images_after_commit(
    names: Iterable[str],
    *,
    company_ids: Iterable[uuid.UUID] = (),
    counted: Callable[[int], None] | None = None,
) -> None:
    """Once the current transaction commits, deletes the files `names` and, for each of
    `company_ids`, every file left below the company's prefix with its empty directories.

    Not before the commit: a rolled-back deletion must neither lose the images nor leave rows
    pointing at files that are gone. `counted` receives the number of files deleted."""
    names = list(names)
    prefixes = [company_images_prefix(company_id) for company_id in company_ids]

    def delete() -> None:
        deleted = delete_images(names)
        for prefix in prefixes:
            deleted += delete_images(_files_under(prefix))
            _remove_empty_directories(prefix)
        if counted is not None:
            counted(deleted)

    transaction.on_commit(delete)
