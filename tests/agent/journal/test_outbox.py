"""Outbox semantics: revisions, acks of exactly what was sent, batch ids reused, nothing lost."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.journal.tracking import current_entry
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, UploadBatch

DEVICE = uuid.UUID("0190a000-0000-7000-8000-0000000000de")
T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


def _slot(entry_id: uuid.UUID, offset: int) -> ActivitySlot:
    return ActivitySlot(
        id=new_id(),
        time_entry_id=entry_id,
        started_at=T0 + dt.timedelta(seconds=offset),
        length_seconds=5,
        active_seconds=2,
        keyboard_events=3,
        mouse_events=4,
    )


def test_start_records_revision_1_and_stop_revision_2_with_the_same_id(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0 + dt.timedelta(microseconds=700))
    assert entry.started_at == T0  # cut to whole seconds
    assert current_entry(store) == entry
    stopped = stop_entry(store, now=T0 + dt.timedelta(seconds=90))
    assert stopped.id == entry.id
    assert stopped.stopped_at == T0 + dt.timedelta(seconds=90)
    assert current_entry(store) is None
    item = outbox.get(entry.id)
    assert item is not None
    assert (item.kind, item.revision, item.acked_revision) == ("time_entry", 2, 0)
    assert json.loads(item.payload)["stopped_at"] == "2026-03-02T09:01:30Z"
    assert outbox.pending_count() == 1


def test_batch_holds_each_id_once_at_its_latest_revision(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    stop_entry(store, now=T0 + dt.timedelta(seconds=10))
    slot = _slot(entry.id, 0)
    outbox.record(slot)
    batch = outbox.next_batch(device_id=DEVICE, now=T0)
    assert batch is not None
    body = UploadBatch.model_validate_json(batch.body)
    assert [e.id for e in body.time_entries] == [entry.id]
    assert body.time_entries[0].stopped_at == T0 + dt.timedelta(seconds=10)
    assert [s.id for s in body.slots] == [slot.id]
    assert batch.revisions == {entry.id: 2, slot.id: 1}


def test_ack_marks_only_the_sent_revision_so_a_stop_during_flight_is_still_sent(
    store: Store,
) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    in_flight = outbox.next_batch(device_id=DEVICE, now=T0)
    assert in_flight is not None
    stop_entry(store, now=T0 + dt.timedelta(seconds=30))  # recorded while revision 1 is out
    outbox.mark_acked(in_flight.batch_id)
    item = outbox.get(entry.id)
    assert item is not None
    assert (item.revision, item.acked_revision) == (2, 1)
    assert outbox.pending_count() == 1
    follow_up = outbox.next_batch(device_id=DEVICE, now=T0)
    assert follow_up is not None
    assert follow_up.batch_id != in_flight.batch_id
    body = UploadBatch.model_validate_json(follow_up.body)
    assert body.time_entries[0].stopped_at == T0 + dt.timedelta(seconds=30)
    outbox.mark_acked(follow_up.batch_id)
    assert outbox.pending_count() == 0
    assert outbox.next_batch(device_id=DEVICE) is None


def test_unacked_batch_is_resent_with_the_same_id_and_body(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    first = outbox.next_batch(device_id=DEVICE, now=T0)
    assert first is not None
    outbox.mark_attempt(first.batch_id, "network error")
    outbox.record(_slot(entry.id, 0))  # new items do not change a batch already made
    again = outbox.next_batch(device_id=DEVICE, now=T0 + dt.timedelta(minutes=5))
    assert again is not None
    assert (again.batch_id, again.body, again.attempts) == (first.batch_id, first.body, 1)
    # The pending batch survives a restart (a new connection) too.
    with Store(store.home) as reopened:
        after_restart = Outbox(reopened).next_batch(device_id=DEVICE)
    assert after_restart is not None
    assert (after_restart.batch_id, after_restart.body) == (first.batch_id, first.body)


def test_batches_respect_the_limit_and_keep_recording_order(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    slots = [_slot(entry.id, 5 * i) for i in range(7)]
    for slot in slots:
        outbox.record(slot)
    sent: list[uuid.UUID] = []
    while (batch := outbox.next_batch(device_id=DEVICE, limit=3)) is not None:
        body = UploadBatch.model_validate_json(batch.body)
        assert body.item_count <= 3
        sent += [e.id for e in body.time_entries] + [s.id for s in body.slots]
        outbox.mark_acked(batch.batch_id)
    assert sent == [entry.id, *(s.id for s in slots)]
    assert outbox.pending_count() == 0


def test_nothing_is_deleted_before_ack_and_acked_items_are_kept_7_days(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    stop_entry(store, now=T0 + dt.timedelta(seconds=5))
    unacked = _slot(entry.id, 0)
    acked = _slot(entry.id, 5)
    outbox.record(acked)
    batch = outbox.next_batch(device_id=DEVICE, now=T0)
    assert batch is not None
    outbox.mark_acked(batch.batch_id, now=T0)
    outbox.record(unacked, now=T0)
    assert outbox.prune(now=T0 + dt.timedelta(days=6, hours=23)) == 0
    assert outbox.prune(now=T0 + dt.timedelta(days=7, seconds=1)) == 2  # the entry and `acked`
    assert [item.id for item in outbox.items()] == [unacked.id]
    assert outbox.prune(now=T0 + dt.timedelta(days=400)) == 0
    assert outbox.pending_count() == 1


def test_rejected_batch_keeps_items_and_is_not_rebuilt_into_a_new_batch(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    batch = outbox.next_batch(device_id=DEVICE, now=T0)
    assert batch is not None
    outbox.mark_rejected(batch.batch_id, "time_entries[0].notes: too long", now=T0)
    assert outbox.pending_count() == 1
    assert outbox.next_batch(device_id=DEVICE) is None  # no hot loop on the same items
    assert outbox.rejected_batches()[0]["detail"] == "time_entries[0].notes: too long"
    # A new revision (the stop) is new data and goes out in a new batch.
    stop_entry(store, now=T0 + dt.timedelta(seconds=9))
    fresh = outbox.next_batch(device_id=DEVICE)
    assert fresh is not None
    assert fresh.batch_id != batch.batch_id
    assert fresh.revisions == {entry.id: 2}
    outbox.mark_acked(fresh.batch_id)
    # Later, the rejected batch is tried again with its own id.
    assert outbox.requeue_rejected(older_than=T0 + dt.timedelta(hours=1)) == 1
    retried = outbox.next_batch(device_id=DEVICE)
    assert retried is not None
    assert (retried.batch_id, retried.body) == (batch.batch_id, batch.body)
    outbox.mark_acked(retried.batch_id)
    item = outbox.get(entry.id)
    assert item is not None
    assert item.acked_revision == 2  # acking the old revision never lowers what was acked


def test_recording_an_id_as_another_kind_is_refused(store: Store) -> None:
    outbox = Outbox(store)
    entry = start_entry(store, now=T0)
    clash = _slot(entry.id, 0).model_copy(update={"id": entry.id})
    with pytest.raises(ValueError, match="already recorded as another kind"):
        outbox.record(clash)
    item = outbox.get(entry.id)
    assert item is not None
    assert (item.kind, item.revision) == ("time_entry", 1)


def test_store_is_wal_with_full_sync_and_private(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert (store.path.stat().st_mode & 0o777) == 0o600
