"""The load: the items every server gets, the request bodies, and the clients that post them.

`--items` items (half activity slots, half app spans) for 4 devices, in batches of 500, posted
over HTTP by 4 concurrent clients, one per device. WorkLens gets `UploadBatch` bodies with a
device token on every request; ActivityWatch gets the same items as events with the same fields
(`/api/0/buckets/<id>/events`, one bucket per device; it has no authentication). Every request
body is built and serialised before the clock starts, and every client has its connection open
before the clock starts, so the clock measures the servers, not the load generator.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest_log import BenchError, log
from ingest_servers import ServerSide

from worklens_wire import new_id
from worklens_wire.v1 import ActivitySlot, AppSpan, UploadBatch

BATCH_SIZE = 500

APPS = ("firefox", "code", "gnome-terminal", "libreoffice", "slack", "evince", "thunderbird")
SITES = ("docs.example.org", "tracker.example.com", "wiki.example.net", "mail.example.com")


# --- the load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceLoad:
    """One device's items, already split into batches of wire models."""

    slots: list[list[ActivitySlot]]
    spans: list[list[AppSpan]]

    @property
    def item_count(self) -> int:
        return sum(len(b) for b in self.slots) + sum(len(b) for b in self.spans)


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def load_started_at(items: int, clients: int) -> dt.datetime:
    """Where every device's items begin: far enough back that the last one-minute item ends a
    day before now (aw-server logs a warning per event that reaches into the future, which would
    make its numbers about that logging)."""
    minutes = max(split_evenly(items, clients)) // 2 + 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now - dt.timedelta(days=1, minutes=minutes)


def build_device_load(
    *, time_entry_id: uuid.UUID, started_at: dt.datetime, items: int, rng: random.Random
) -> DeviceLoad:
    """Half activity slots, half app spans, one minute each, consecutive from `started_at`."""
    slot_count = items // 2
    span_count = items - slot_count
    slots: list[ActivitySlot] = []
    for i in range(slot_count):
        active = rng.randint(0, 60)
        slots.append(
            ActivitySlot(
                id=new_id(),
                time_entry_id=time_entry_id,
                started_at=started_at + dt.timedelta(minutes=i),
                length_seconds=60,
                active_seconds=active,
                keyboard_events=rng.randint(0, 40) * active,
                mouse_events=rng.randint(0, 60) * active,
            )
        )
    spans: list[AppSpan] = []
    for i in range(span_count):
        start = started_at + dt.timedelta(minutes=i)
        app = rng.choice(APPS)
        site = rng.choice(SITES)
        spans.append(
            AppSpan(
                id=new_id(),
                time_entry_id=time_entry_id,
                started_at=start,
                ended_at=start + dt.timedelta(seconds=rng.randint(1, 60)),
                app=app,
                title=f"{app}: quarterly report draft {i % 97} - {site}",
                url=f"https://{site}/projects/{i % 31}/pages/{i}?view=full",
            )
        )
    batch_count = -(-items // BATCH_SIZE)
    slot_sizes = split_evenly(slot_count, batch_count)
    span_sizes = split_evenly(span_count, batch_count)
    slot_batches: list[list[ActivitySlot]] = []
    span_batches: list[list[AppSpan]] = []
    slot_at = span_at = 0
    for slot_size, span_size in zip(slot_sizes, span_sizes, strict=True):
        slot_batches.append(slots[slot_at : slot_at + slot_size])
        span_batches.append(spans[span_at : span_at + span_size])
        slot_at += slot_size
        span_at += span_size
    return DeviceLoad(slots=slot_batches, spans=span_batches)


def worklens_bodies(device_id: uuid.UUID, load: DeviceLoad) -> list[bytes]:
    now = dt.datetime.now(dt.UTC)
    return [
        UploadBatch(
            batch_id=new_id(), device_id=device_id, sent_at=now, slots=slots, app_spans=spans
        )
        .model_dump_json()
        .encode()
        for slots, spans in zip(load.slots, load.spans, strict=True)
    ]


def aw_event_from_slot(slot: ActivitySlot) -> dict[str, object]:
    return {
        "timestamp": slot.started_at.isoformat(),
        "duration": slot.length_seconds,
        "data": {
            "id": str(slot.id),
            "time_entry_id": str(slot.time_entry_id),
            "active_seconds": slot.active_seconds,
            "keyboard_events": slot.keyboard_events,
            "mouse_events": slot.mouse_events,
        },
    }


def aw_event_from_span(span: AppSpan) -> dict[str, object]:
    return {
        "timestamp": span.started_at.isoformat(),
        "duration": (span.ended_at - span.started_at).total_seconds(),
        "data": {
            "id": str(span.id),
            "time_entry_id": str(span.time_entry_id),
            "app": span.app,
            "title": span.title,
            "url": span.url,
        },
    }


def aw_bodies(load: DeviceLoad) -> list[bytes]:
    """The same items as ActivityWatch events (no event id: with one, aw-server upserts one by
    one, which is not how its watchers send)."""
    return [
        json.dumps(
            [aw_event_from_slot(s) for s in slots] + [aw_event_from_span(s) for s in spans],
            separators=(",", ":"),
        ).encode()
        for slots, spans in zip(load.slots, load.spans, strict=True)
    ]


# --- the load generator ----------------------------------------------------------------------


# Why threads and http.client: the machine has 2 cores shared by the servers and the clients, so
# the clients must cost as little CPU as possible. Measured for 100,000 items against aw-server:
# 4 threads posting pre-serialised bytes over keep-alive `http.client` connections used 0.10 s of
# CPU, 4 forked processes doing the same 0.14 s, and 4 threads with `httpx.Client` 0.35 s, at the
# same throughput. `sendall`/`recv` release the GIL, so the threads hardly contend.


@dataclass(frozen=True)
class ClientPlan:
    """What one client posts: the same path and headers for every pre-serialised body."""

    path: str
    headers: dict[str, str]
    bodies: list[bytes]


@dataclass
class ClientOutcome:
    responses: list[tuple[int, bytes]] = field(default_factory=list)
    error: BaseException | None = None
    local_port: int = 0


@dataclass(frozen=True)
class LoadResult:
    wall_seconds: float
    outcomes: list[ClientOutcome]
    client_cpu_seconds: float
    server_cpu_seconds: float
    database_cpu_seconds: float
    #: Keep-alive connections each server process accepted (empty with a connection per batch).
    connections_per_process: list[int]


def _post(conn: http.client.HTTPConnection, plan: ClientPlan, body: bytes) -> tuple[int, bytes]:
    conn.request("POST", plan.path, body=body, headers=plan.headers)
    response = conn.getresponse()
    return response.status, response.read()


def run_client(
    host: str,
    port: int,
    plan: ClientPlan,
    ready: threading.Barrier,
    go: threading.Event,
    outcome: ClientOutcome,
    new_connection_per_batch: bool,
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        outcome.local_port = conn.sock.getsockname()[1]
    except BaseException as exc:
        outcome.error = exc
        ready.abort()
        raise
    try:
        ready.wait()
        go.wait()
        for index, body in enumerate(plan.bodies):
            if new_connection_per_batch and index > 0:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=120)
            outcome.responses.append(_post(conn, plan, body))
    except BaseException as exc:
        outcome.error = exc
    finally:
        conn.close()


def run_load(
    host: str,
    server: ServerSide,
    plans: Sequence[ClientPlan],
    *,
    new_connection_per_batch: bool = False,
) -> LoadResult:
    """Post every plan concurrently, one thread per plan, over one keep-alive connection each
    (or a new connection per batch). The clock starts once every client is connected."""
    ready = threading.Barrier(len(plans) + 1)
    go = threading.Event()
    outcomes = [ClientOutcome() for _ in plans]
    threads = [
        threading.Thread(
            target=run_client,
            args=(host, server.port, plan, ready, go, outcome, new_connection_per_batch),
            daemon=True,
        )
        for plan, outcome in zip(plans, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        errors = [o.error for o in outcomes if o.error is not None]
        raise BenchError(f"a client could not connect: {errors[0]!r}") from errors[0]
    spread: list[int] = []
    if not new_connection_per_batch:
        # A connect() returns before the server accept()s; wait until every connection has
        # been accepted, so the spread is final (and no accept happens on the clock).
        deadline = time.monotonic() + 5.0
        while sum(spread) < len(plans) and time.monotonic() < deadline:
            spread = server.connections_per_process([o.local_port for o in outcomes])
            time.sleep(0.02)
    server_before = server.cpu_seconds()
    cpu_before = time.process_time()
    began = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    cpu = time.process_time() - cpu_before
    server_after = server.cpu_seconds()
    for outcome in outcomes:
        if outcome.error is not None:
            raise BenchError(f"a client failed: {outcome.error!r}") from outcome.error
    return LoadResult(
        wall_seconds=wall,
        outcomes=outcomes,
        client_cpu_seconds=cpu,
        server_cpu_seconds=server_after[0] - server_before[0],
        database_cpu_seconds=server_after[1] - server_before[1],
        connections_per_process=spread,
    )


def check_statuses(outcomes: Sequence[ClientOutcome], expected_status: int) -> None:
    for outcome in outcomes:
        for status, body in outcome.responses:
            if status != expected_status:
                raise BenchError(f"server answered {status}: {body[:500]!r}")


def report_rate(label: str, stored: int, result: LoadResult) -> float:
    """Items per second, logged with where the CPU went: 2 cores are shared by the server,
    its database and the load generator, so CPU per batch is what a server change moves.

    What stderr tells besides the rate, per server: the CPU the server processes and (for
    PostgreSQL) the database backends used during the load, per batch and as cores busy; and how
    the 4 keep-alive connections were spread over the server's processes. With keep-alive, a
    connection stays with the worker that accepted it, and 4 connections land on the workers
    (4 on 2 cores: `serve` starts two per core) by the accept race, e.g. 2+2, 3+1 or 2+1+1,
    which decides how many cores the server can use."""
    rate = stored / result.wall_seconds
    batches = max(sum(len(o.responses) for o in result.outcomes), 1)
    server = result.server_cpu_seconds
    database = result.database_cpu_seconds
    log(f"{label}: {stored} items in {result.wall_seconds:.2f}s = {rate:,.0f} items/s")
    backends = (
        f", PostgreSQL backends {database:.2f}s ({1000 * database / batches:.1f} ms per batch)"
        if database
        else ""
    )
    log(
        f"{label}: CPU during the load: server processes {server:.2f}s "
        f"({1000 * server / batches:.1f} ms per batch){backends}, together "
        f"{(server + database) / result.wall_seconds:.2f} of 2 cores; "
        f"load generator {result.client_cpu_seconds:.2f}s"
    )
    if result.connections_per_process:
        spread = "+".join(str(n) for n in result.connections_per_process)
        log(f"{label}: keep-alive connections per server process: {spread}")
    return rate
