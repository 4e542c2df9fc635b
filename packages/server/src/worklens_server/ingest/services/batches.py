"""Storing an upload batch: the entry point of the hot path (the package's docstring has the
whole story)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.services.checks import check_device, check_not_ahead, check_projects
from worklens_server.ingest.services.policy_filter import filter_by_policy
from worklens_server.ingest.services.postgresql import store_batch_postgresql
from worklens_server.ingest.services.sqlite import store_batch_sqlite
from worklens_server.ingest.services.writes import Stored
from worklens_server.policies.selectors import get_effective_policy
from worklens_wire.v1 import BatchAck, NotStored, UploadBatch

_COVERED = "that time of the member is already tracked (another device, or an earlier upload)"


def store_batch(*, device: AuthenticatedDevice, batch: UploadBatch) -> BatchAck:
    """Store what is new in `batch` in one transaction, or nothing when any check fails.

    What the member's policy switches off is left out first, and slots are placed so that no
    second of the member is counted twice; the ack's `not_stored` says what was left out or
    shortened, and why."""
    check_device(device=device, batch=batch)
    check_not_ahead(batch=batch, now=timezone.now())
    check_projects(device=device, batch=batch)
    policy = get_effective_policy(member_id=device.member_id, company_id=device.company_id)
    filtered = filter_by_policy(batch, policy)
    if connection.vendor == "postgresql":
        stored = store_batch_postgresql(device=device, batch=filtered.batch)
    else:
        stored = store_batch_sqlite(device=device, batch=filtered.batch)
    received = batch.item_count
    if stored is None:  # received before: every item is a duplicate
        return BatchAck(batch_id=batch.batch_id, received=received, stored=0, duplicates=received)
    not_stored = [*filtered.not_stored, *_placement_notes(stored)]
    left_out = filtered.left_out + stored.clipping.left_out
    return BatchAck(
        batch_id=batch.batch_id,
        received=received,
        stored=stored.items,
        duplicates=received - stored.items - left_out,
        not_stored=not_stored,
    )


def _placement_notes(stored: Stored) -> list[NotStored]:
    notes = []
    if stored.clipping.left_out:
        notes.append(NotStored(what="slots", count=stored.clipping.left_out, reason=_COVERED))
    if stored.clipping.shortened:
        reason = "shortened: part of " + _COVERED
        notes.append(
            NotStored(what="slots.length_seconds", count=stored.clipping.shortened, reason=reason)
        )
    return notes
