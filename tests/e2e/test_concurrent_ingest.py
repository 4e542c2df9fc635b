"""Several writers at once: `worklens-server serve` with two worker processes, and four clients
posting batches at the same time, every item twice (in two batches with different ids, from two
connections) and one batch again with its own id. Each item must be stored exactly once, and the
day rollup, which both devices' batches update, must count each slot once.

On SQLite this is the multi-writer path: the worker processes take turns through the file lock
next to the database (`<database>.ingest-lock`, docs/architecture.md "The ingest path"), and the
test checks that both workers opened it, i.e. that both wrote. On PostgreSQL the same load runs
through row locks and ON CONFLICT."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.e2e.database_rows import Database
from tests.e2e.processes import ServerProcess, server_database
from worklens_wire import new_id
from worklens_wire.v1 import (
    ActivitySlot,
    AppSpan,
    BatchAck,
    DeviceInfo,
    EnrollRequest,
    EnrollResponse,
    TimeEntry,
    UploadBatch,
)

DEVICES = 2
BATCHES = 8
SLOTS_PER_BATCH = 60
SPANS_PER_BATCH = 30


def _enroll(url: str, code: str) -> EnrollResponse:
    info = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname="writer",
        os_name="Linux",
        machine_id_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
    )
    body = EnrollRequest(code=code, device=info).model_dump_json()
    response = httpx.post(
        f"{url}/api/v1/enroll", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text
    return EnrollResponse.model_validate_json(response.content)


@dataclass
class Plans:
    """One device's items, and two orders of batches that each carry every one of them."""

    forwards: list[UploadBatch]
    backwards: list[UploadBatch]
    items: int


def _plans(device: EnrollResponse, start: dt.datetime) -> Plans:
    """A time entry with one-minute slots and app spans from `start`. `forwards` sends them
    oldest first in BATCHES batches; `backwards` newest first, cut half a batch later (so each
    of its batches overlaps two of `forwards`), then the first forward batch again, same id."""
    entry = TimeEntry(id=new_id(), started_at=start)
    slots = [
        ActivitySlot(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=start + dt.timedelta(minutes=n),
            length_seconds=60,
            active_seconds=30,
            keyboard_events=n,
            mouse_events=2 * n,
        )
        for n in range(BATCHES * SLOTS_PER_BATCH)
    ]
    spans = [
        AppSpan(
            id=new_id(),
            time_entry_id=entry.id,
            started_at=start + dt.timedelta(minutes=2 * n),
            ended_at=start + dt.timedelta(minutes=2 * n, seconds=90),
            app=f"app-{n % 5}",
            title=f"window {n}",
        )
        for n in range(BATCHES * SPANS_PER_BATCH)
    ]

    def batch(first: int) -> UploadBatch:
        """The items of batch number `first` (a float: half a batch later for .5)."""
        s0, p0 = max(0, int(first * SLOTS_PER_BATCH)), max(0, int(first * SPANS_PER_BATCH))
        return UploadBatch(
            batch_id=new_id(),
            device_id=device.device_id,
            sent_at=dt.datetime.now(dt.UTC),
            time_entries=[entry],
            slots=slots[s0 : int((first + 1) * SLOTS_PER_BATCH)],
            app_spans=spans[p0 : int((first + 1) * SPANS_PER_BATCH)],
        )

    forwards = [batch(k) for k in range(BATCHES)]
    backwards = [batch(k - 0.5) for k in reversed(range(BATCHES + 1))]
    return Plans(forwards, [*backwards, forwards[0]], 1 + len(slots) + len(spans))


def _post_all(
    url: str,
    token: str,
    batches: list[UploadBatch],
    barrier: threading.Barrier,
    acks: list[BatchAck],
    errors: list[str],
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        barrier.wait(timeout=30)
        for sent in batches:
            # A connection per request, so the two workers' accept race spreads the writers.
            response = httpx.post(
                f"{url}/api/v1/batches", content=sent.model_dump_json(), headers=headers, timeout=30
            )
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.text}")
                continue
            acks.append(BatchAck.model_validate_json(response.content))
    except Exception as exc:  # reported by the test, not lost in the thread
        errors.append(repr(exc))


def _lock_holders(server: ServerProcess, database_dir: Path) -> list[int]:
    """Worker processes that hold the SQLite writers' lock file open: those that wrote."""
    lock = os.path.realpath(database_dir / "worklens.sqlite3.ingest-lock")
    holders = []
    for pid in server.worker_pids():
        fd_dir = Path(f"/proc/{pid}/fd")
        links = []
        for fd in fd_dir.iterdir():
            try:
                links.append(os.readlink(fd))
            except OSError:
                continue
        if lock in links:
            holders.append(pid)
    return holders


def test_two_worker_processes_and_four_clients_store_every_item_exactly_once(
    tmp_path: Path,
) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env, workers=2)
        demo = server.migrate_and_seed("--codes", str(DEVICES))
        server.start()
        try:
            assert len(server.worker_pids()) == 2
            devices = [_enroll(server.url, code) for code in demo["enrollment_codes"]]
            start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(
                hours=BATCHES + 1
            )
            # One person's devices at different hours: the same minutes from two of them would
            # be counted once (the second copy left out), which is not what this test is about.
            span = dt.timedelta(hours=BATCHES + 1)
            plans = [_plans(device, start - n * span) for n, device in enumerate(devices)]
            barrier = threading.Barrier(2 * DEVICES)
            acks: list[BatchAck] = []
            errors: list[str] = []
            threads = [
                threading.Thread(
                    target=_post_all,
                    args=(server.url, device.token, batches, barrier, acks, errors),
                )
                for device, plan in zip(devices, plans, strict=True)
                for batches in (plan.forwards, plan.backwards)
            ]
            unique_items = sum(plan.items for plan in plans)
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)

            assert errors == []
            assert len(acks) == sum(len(p.forwards) + len(p.backwards) for p in plans)
            # Each item stored by exactly one of the batches that carried it.
            assert sum(ack.stored for ack in acks) == unique_items
            if "DATABASE_URL" not in env:
                assert len(_lock_holders(server, tmp_path / "server")) == 2, (
                    "both worker processes must have written through the SQLite lock"
                )
        finally:
            server.stop()

        db = Database(env)
        ids = [device.device_id for device in devices]
        slots = DEVICES * BATCHES * SLOTS_PER_BATCH
        assert db.count("tracking_timeentry", "device_id", ids) == DEVICES
        assert db.count("tracking_activityslot", "device_id", ids) == slots
        assert db.count("tracking_appspan", "device_id", ids) == DEVICES * BATCHES * SPANS_PER_BATCH
        # Every batch id once: the retried one is not stored again.
        assert db.count("ingest_receivedbatch", "device_id", ids) == DEVICES * (2 * BATCHES + 1)
        # Both devices are the demo employee's, so every writer updated the same rollup rows.
        company = [uuid.UUID(demo["company_id"])]
        assert db.total("tracking_memberdayrollup", "tracked_seconds", "company_id", company) == (
            slots * 60
        )
        assert db.total("tracking_memberdayrollup", "active_seconds", "company_id", company) == (
            slots * 30
        )
