"""Reads for tracking data."""

from __future__ import annotations

import uuid

from django.core.files.storage import default_storage

from worklens_server.tracking.blobs import decrypt_image
from worklens_server.tracking.models import Screenshot


def read_screenshot_image(*, company_id: uuid.UUID, screenshot_id: uuid.UUID) -> bytes | None:
    """The decrypted image of a screenshot of `company_id`, or None when it has none."""
    name = (
        Screenshot.objects.filter(company_id=company_id, id=screenshot_id)
        .values_list("image", flat=True)
        .first()
    )
    if not name:
        return None
    with default_storage.open(name, "rb") as handle:
        return decrypt_image(handle.read())
