"""The gunicorn worker class `worklens-server serve` uses: uvicorn's, tuned for Django."""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():
    # uvicorn.workers still works in the pinned uvicorn; it only points at a separate package.
    warnings.simplefilter("ignore", DeprecationWarning)
    from uvicorn.workers import UvicornWorker


class DjangoUvicornWorker(UvicornWorker):
    """Django's ASGI handler has no lifespan support, so uvicorn must not probe for it, and
    per-request access logging is off: at ingest rates it costs more than the request."""

    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "auto",
        "http": "auto",
        "lifespan": "off",
        "access_log": False,
    }
