"""Client-generated ids: UUIDv7, so ids sort by creation time and retries never duplicate."""

import uuid

import uuid6


def new_id() -> uuid.UUID:
    """A fresh UUIDv7 as a standard-library `uuid.UUID`."""
    return uuid.UUID(int=uuid6.uuid7().int)
