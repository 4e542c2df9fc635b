"""Reads for tracking data."""

from __future__ import annotations

import uuid

from worklens_server.tracking.blobs import read_image
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
    return read_image(name)
