"""The uploader against a real local HTTP server: retries, backoff, 401, 4xx, acks."""

from __future__ import annotations

import datetime as dt
import random
import socket
from pathlib import Path

import pytest
from agent_fake_server import DEVICE_ID, FakeServer

from worklens_agent.cli.status import status_report
from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_agent.recording.entries import start_entry, stop_entry
from worklens_agent.upload.client import AgentApi
from worklens_agent.upload.uploader import TOKEN_REJECTED, Outcome, Uploader
from worklens_wire.v1 import ACCEPTS_HEADER, ACCEPTS_NOT_STORED, NotStored, UploadBatch

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


def _fast(store: Store, **kwargs: object) -> Uploader:
    return Uploader(store, backoff_base=0.01, backoff_max=0.05, **kwargs)  # type: ignore[arg-type]


def test_enroll_stores_the_device_and_a_private_token_file(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    enroll = next(r for r in fake_server.requests if r.path == "/api/v1/enroll").json()
    assert enroll["contract_version"] == "v1"
    assert len(enroll["device"]["machine_id_hash"]) == 64
    assert enroll["device"]["agent_version"]
    token_file = enrolled_home / "device-token"
    assert token_file.read_text() == "test-device-token"
    assert (token_file.stat().st_mode & 0o777) == 0o600
    with Store(enrolled_home) as store:
        report = status_report(store)
    assert (report["enrolled"], report["server"], report["device_id"]) == (
        True,
        fake_server.url,
        str(DEVICE_ID),
    )
    assert "test-device-token" not in (enrolled_home / "agent.sqlite3").read_bytes().decode(
        "latin-1"
    )


def test_retries_5xx_and_429_with_the_same_batch_then_acks(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    fake_server.batch_script = [(503, "down for upgrade"), (500, "boom"), (429, "slow down")]
    with Store(enrolled_home) as store:
        entry = start_entry(store, now=T0)
        uploader = _fast(store)
        assert uploader.drain() is Outcome.NOTHING_TO_SEND
        batch_requests = [r for r in fake_server.requests if r.path == "/api/v1/batches"]
        assert len(batch_requests) == 4
        assert len({r.body for r in batch_requests}) == 1  # byte-identical re-sends
        batch = UploadBatch.model_validate_json(batch_requests[0].body)
        assert batch.device_id == DEVICE_ID
        assert [e.id for e in batch.time_entries] == [entry.id]
        assert all(r.headers["authorization"] == "Bearer test-device-token" for r in batch_requests)
        assert Outbox(store).pending_count() == 0
        state = Outbox(store).batch_state(batch.batch_id)
        assert state is not None
        assert (state["state"], state["attempts"]) == ("acked", 4)
        last = status_report(store)["last_upload"]
        assert last["ok"] is True
        assert "1 items received, 1 stored, 0 duplicates" in last["message"]


def test_network_errors_keep_the_batch_and_a_later_send_reuses_its_id(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    with Store(enrolled_home) as store:
        start_entry(store, now=T0)
        offline = _fast(store, api=AgentApi(f"http://127.0.0.1:{dead_port}", "test-device-token"))
        assert offline.drain(max_failures=3) is Outcome.RETRY
        outbox = Outbox(store)
        assert outbox.pending_count() == 1
        pending = outbox.next_batch(device_id=DEVICE_ID)
        assert pending is not None
        assert pending.attempts == 3
        report = status_report(store)
        assert report["last_upload"]["ok"] is False
        assert report["last_upload"]["message"].startswith("network error: ConnectError")
        offline.close()
        assert _fast(store).drain() is Outcome.NOTHING_TO_SEND
    sent = fake_server.batches()
    assert [b.batch_id for b in sent] == [pending.batch_id]


def test_401_stops_uploading_and_status_says_token_rejected(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    (enrolled_home / "device-token").write_text("revoked-token")
    with Store(enrolled_home) as store:
        start_entry(store, now=T0)
        uploader = _fast(store)
        assert uploader.drain() is Outcome.TOKEN_REJECTED
        assert uploader.drain() is Outcome.TOKEN_REJECTED  # no further request
        assert len(fake_server.batches()) == 1
        report = status_report(store)
        assert report["upload_blocked"] == TOKEN_REJECTED == "device token rejected (revoked?)"
        assert report["last_upload"]["message"] == (
            "device token rejected (revoked?): invalid device token"
        )
        assert report["pending_items"] == 1


def test_422_marks_the_batch_rejected_keeps_items_and_does_not_loop(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    detail = "time_entries[0].notes: String should have at most 2000 characters"
    fake_server.batch_script = [(422, detail)]
    with Store(enrolled_home) as store:
        entry = start_entry(store, now=T0)
        uploader = _fast(store)
        assert uploader.drain() is Outcome.NOTHING_TO_SEND
        assert len(fake_server.batches()) == 1
        report = status_report(store)
        assert report["pending_items"] == 1
        [rejected] = report["rejected_batches"]
        assert rejected["detail"] == detail
        assert rejected["item_count"] == 1
        assert report["last_upload"]["ok"] is False
        # Later items still flow; the stop of the entry is a new revision and is delivered.
        stop_entry(store, now=T0 + dt.timedelta(seconds=30))
        assert uploader.drain() is Outcome.NOTHING_TO_SEND
        second = fake_server.batches()[-1]
        assert [(e.id, e.stopped_at) for e in second.time_entries] == [
            (entry.id, T0 + dt.timedelta(seconds=30))
        ]
        assert Outbox(store).pending_count() == 0


def test_what_the_server_did_not_store_is_shown_in_the_last_upload(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    """The agent asks for `not_stored` (a header) and shows it; the server held the items back
    on purpose, so the batch is acknowledged and not retried."""
    reason = "window titles are off in the company's collection policy for this member"
    fake_server.not_stored = [NotStored(what="app_spans.title", count=2, reason=reason)]
    with Store(enrolled_home) as store:
        start_entry(store, now=T0)
        assert _fast(store).drain() is Outcome.NOTHING_TO_SEND
        [request] = [r for r in fake_server.requests if r.path == "/api/v1/batches"]
        assert request.headers[ACCEPTS_HEADER.lower()] == ACCEPTS_NOT_STORED
        last = status_report(store)["last_upload"]
        assert last["ok"] is True
        assert last["message"].endswith(f"; not stored: 2 app_spans.title ({reason})")
        assert Outbox(store).pending_count() == 0


def test_stop_recorded_while_the_start_is_in_flight_is_sent_next(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    stopped_once: list[bool] = []

    def stop_from_another_connection() -> None:
        if not stopped_once:
            stopped_once.append(True)
            with Store(enrolled_home) as other:
                stop_entry(other, now=T0 + dt.timedelta(seconds=12))

    fake_server.before_batch = stop_from_another_connection
    with Store(enrolled_home) as store:
        entry = start_entry(store, now=T0)
        assert _fast(store).drain() is Outcome.NOTHING_TO_SEND
        first, second = fake_server.batches()
        assert [(e.id, e.stopped_at) for e in first.time_entries] == [(entry.id, None)]
        assert [(e.id, e.stopped_at) for e in second.time_entries] == [
            (entry.id, T0 + dt.timedelta(seconds=12))
        ]
        item = Outbox(store).get(entry.id)
        assert item is not None
        assert (item.revision, item.acked_revision) == (2, 2)


def test_batches_hold_at_most_the_configured_number_of_items(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    with Store(enrolled_home) as store:
        for minute in range(7):
            start_entry(store, now=T0 + dt.timedelta(minutes=minute))
            stop_entry(store, now=T0 + dt.timedelta(minutes=minute, seconds=30))
        assert _fast(store, batch_items=3).drain() is Outcome.NOTHING_TO_SEND
    assert [b.item_count for b in fake_server.batches()] == [3, 3, 1]


@pytest.mark.parametrize("failures", [0, 1, 5, 40])
def test_backoff_is_full_jitter_capped(home: Path, failures: int) -> None:
    class Top(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    with Store(home) as store:
        uploader = Uploader(store, backoff_base=1.0, backoff_max=60.0, rng=Top())
        assert uploader.backoff_delay(failures) == min(60.0, 2.0**failures)
        jittered = Uploader(store, backoff_base=1.0, backoff_max=60.0, rng=random.Random(7))
        delays = [jittered.backoff_delay(failures) for _ in range(200)]
        assert all(0.0 <= d <= min(60.0, 2.0**failures) for d in delays)
        assert len(set(delays)) == 200


def test_backoff_cap_comes_from_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKLENS_BACKOFF_MAX", "0.5")
    with Store(home) as store:
        assert Uploader(store).backoff_max == 0.5
