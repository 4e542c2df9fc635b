"""Device tokens and enrollment codes are kept only as this hash: the selectors look a token up
by it, the services store it."""

from __future__ import annotations

import hashlib


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
