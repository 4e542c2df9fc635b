"""Storing an upload batch: the entry point of the hot path (the package's docstring has the
whole story)."""

from __future__ import annotations

from django.db import connection

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.services.checks import check_device, check_projects
from worklens_server.ingest.services.postgresql import store_batch_postgresql
from worklens_server.ingest.services.sqlite import store_batch_sqlite
from worklens_wire.v1 import BatchAck, UploadBatch


def store_batch(*, device: AuthenticatedDevice, batch: UploadBatch) -> BatchAck:
    """Store what is new in `batch` in one transaction, or nothing when any check fails."""
    check_device(device=device, batch=batch)
    check_projects(device=device, batch=batch)
    if connection.vendor == "postgresql":
        stored = store_batch_postgresql(device=device, batch=batch)
    else:
        stored = store_batch_sqlite(device=device, batch=batch)
    received = batch.item_count
    if stored is None:
        return BatchAck(batch_id=batch.batch_id, received=received, stored=0, duplicates=received)
    return BatchAck(
        batch_id=batch.batch_id, received=received, stored=stored, duplicates=received - stored
    )
