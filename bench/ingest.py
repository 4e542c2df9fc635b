"""Ingest benchmark: WorkLens (SQLite and PostgreSQL) against ActivityWatch's own server.

Run from the repository root with the dev virtual environment:

    .venv/bin/python bench/ingest.py [--items N] [--workers W] [--skip-postgres] [--skip-aw]
        [--new-connection-per-batch] [--profile DIR]

It starts every server itself, on free ports on 127.0.0.1, with fresh storage in temporary
directories (and a fresh PostgreSQL database), sends the same load to each, and prints exactly
one JSON line on stdout. Progress goes to stderr.

The load: `--items` items (half activity slots, half app spans) for 4 devices, in batches of 500,
posted over HTTP by 4 concurrent clients, one per device. WorkLens gets `UploadBatch` bodies with a
device token on every request; ActivityWatch gets the same items as events with the same fields
(`/api/0/buckets/<id>/events`, one bucket per device; it has no authentication). Every request
body is built and serialised before the clock starts, and every client has its connection open
before the clock starts, so the clock measures the servers, not the load generator.

Why threads and http.client: the machine has 2 cores shared by the servers and the clients, so
the clients must cost as little CPU as possible. Measured for 100,000 items against aw-server:
4 threads posting pre-serialised bytes over keep-alive `http.client` connections used 0.10 s of
CPU, 4 forked processes doing the same 0.14 s, and 4 threads with `httpx.Client` 0.35 s, at the
same throughput. `sendall`/`recv` release the GIL, so the threads hardly contend.

What stderr tells besides the rate, per server: the CPU the server processes and (for
PostgreSQL) the database backends used during the load, per batch and as cores busy; and how
the 4 keep-alive connections were spread over the server's processes. With keep-alive, a
connection stays with the worker that accepted it, and 4 connections land 2+2, 3+1 or 4+0 on 2
workers by the accept race, which decides how many cores the server can use.
`--new-connection-per-batch` opens a connection per batch instead, as agents that upload every
few minutes do. `--profile DIR` samples the workers with py-spy during each WorkLens load and
writes the raw stacks and the hottest functions there.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from ingest_log import BenchError, log
from ingest_servers import (
    ServerSide,
    free_port,
    py_spy_recording,
    request_json,
    running_process,
    summarise_profile,
    tail,
    wait_for_http,
)
from psycopg import sql

from worklens_wire import new_id
from worklens_wire.v1 import (
    ActivitySlot,
    AppSpan,
    BatchAck,
    CaptureSource,
    DeviceInfo,
    EnrollRequest,
    EnrollResponse,
    TimeEntry,
    UploadBatch,
)

BATCH_SIZE = 500
CLIENTS = 4
AW_REQUIREMENTS = ("aw-server==0.12.*", "peewee<4")
AW_VENV = Path.home() / ".cache" / "worklens-bench" / "aw-venv"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

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
    its database and the load generator, so CPU per batch is what a server change moves."""
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


# --- WorkLens --------------------------------------------------------------------------------


def worklens_executable() -> Path:
    executable = Path(sys.executable).parent / "worklens-server"
    if not executable.exists():
        raise BenchError(f"{executable} not found: install worklens-server in this environment")
    return executable


def run_management(executable: Path, args: Sequence[str], env: dict[str, str], name: str) -> str:
    result = subprocess.run(
        [str(executable), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(
            f"worklens-server {name} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def seed_codes(output: str) -> list[str]:
    """The enrollment codes from `seed_demo --json` (its JSON object is the last such line)."""
    for line in reversed(output.splitlines()):
        if line.lstrip().startswith("{"):
            codes: list[str] = json.loads(line)["enrollment_codes"]
            return codes
    raise BenchError(f"seed_demo printed no JSON object:\n{output}")


def device_info(index: int) -> DeviceInfo:
    return DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname=f"bench-device-{index}",
        hardware_model="bench",
        os_name="Linux",
        os_version="bench",
        machine_id_hash=hashlib.sha256(f"bench-{index}-{uuid.uuid4()}".encode()).hexdigest(),
        timezone="UTC",
        agent_version="0.0.0-bench",
        sources=[CaptureSource(name="time", available=True)],
    )


@dataclass(frozen=True)
class EnrolledDevice:
    device_id: uuid.UUID
    token: str
    time_entry_id: uuid.UUID


def enroll_device(base_url: str, code: str, index: int, started_at: dt.datetime) -> EnrolledDevice:
    """Enroll over HTTP, then open the one time entry every item of this device refers to."""
    request = EnrollRequest(code=code, device=device_info(index))
    status, body = request_json(
        "POST", f"{base_url}/api/v1/enroll", request.model_dump_json().encode()
    )
    if status != 201:
        raise BenchError(f"enroll answered {status}: {body[:500]!r}")
    enrolled = EnrollResponse.model_validate_json(body)
    entry = TimeEntry(id=new_id(), started_at=started_at, notes="ingest benchmark")
    batch = UploadBatch(
        batch_id=new_id(),
        device_id=enrolled.device_id,
        sent_at=dt.datetime.now(dt.UTC),
        time_entries=[entry],
    )
    status, body = request_json(
        "POST",
        f"{base_url}/api/v1/batches",
        batch.model_dump_json().encode(),
        {"Authorization": f"Bearer {enrolled.token}"},
    )
    if status != 200 or BatchAck.model_validate_json(body).stored != 1:
        raise BenchError(f"time entry batch answered {status}: {body[:500]!r}")
    return EnrolledDevice(
        device_id=enrolled.device_id, token=enrolled.token, time_entry_id=entry.id
    )


def bench_worklens(
    *,
    label: str,
    database_url: str | None,
    items: int,
    clients: int,
    workers: int | None,
    profile_dir: Path | None,
    new_connection_per_batch: bool,
) -> float:
    executable = worklens_executable()
    with tempfile.TemporaryDirectory(prefix=f"worklens-bench-{label}-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        env = {
            **os.environ,
            "WORKLENS_DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
        }
        env.pop("DATABASE_URL", None)
        if database_url is not None:
            env["DATABASE_URL"] = database_url
        log(f"{label}: migrate and seed_demo in {data_dir}")
        run_management(executable, ["migrate", "--no-input"], env, "migrate")
        codes = seed_codes(
            run_management(
                executable, ["seed_demo", "--json", "--codes", str(clients)], env, "seed_demo"
            )
        )
        if len(codes) < clients:
            raise BenchError(f"seed_demo gave {len(codes)} enrollment codes; need {clients}")
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        argv = [
            str(executable),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        if workers is not None:
            argv += ["--workers", str(workers)]
        log_path = Path(tmp) / "server.log"
        with running_process(f"worklens-server ({label})", argv, env=env, log_path=log_path) as p:
            wait_for_http("worklens-server", f"{base_url}/api/v1/docs", p, log_path)
            started_at = load_started_at(items, clients)
            devices = [
                enroll_device(base_url, code, i, started_at)
                for i, code in enumerate(codes[:clients])
            ]
            log(f"{label}: enrolled {len(devices)} devices; building {items} items")
            rng = random.Random(3)
            plans = []
            for device, device_items in zip(devices, split_evenly(items, clients), strict=True):
                load = build_device_load(
                    time_entry_id=device.time_entry_id,
                    started_at=started_at,
                    items=device_items,
                    rng=rng,
                )
                plans.append(
                    ClientPlan(
                        path="/api/v1/batches",
                        headers={
                            "Content-Type": "application/json",
                            "Authorization": f"Bearer {device.token}",
                        },
                        bodies=worklens_bodies(device.device_id, load),
                    )
                )
            log(f"{label}: posting {sum(len(p.bodies) for p in plans)} batches")
            database = (
                urllib.parse.urlsplit(database_url).path.lstrip("/") if database_url else None
            )
            server = ServerSide(port=port, group=p.pid, postgres_database=database)
            if profile_dir is None:
                result = run_load(
                    "127.0.0.1", server, plans, new_connection_per_batch=new_connection_per_batch
                )
            else:
                raw_path = profile_dir / f"{label}.txt"
                with py_spy_recording(p.pid, raw_path):
                    result = run_load(
                        "127.0.0.1",
                        server,
                        plans,
                        new_connection_per_batch=new_connection_per_batch,
                    )
                summary = summarise_profile(raw_path)
                raw_path.with_suffix(".summary.txt").write_text(summary + "\n")
                log(f"{label}: profile of the workers during the load ({raw_path}):\n{summary}")
            if p.poll() is not None:
                raise BenchError(f"worklens-server exited during the load:\n{tail(log_path)}")
        check_statuses(result.outcomes, 200)
        stored = 0
        for outcome in result.outcomes:
            for _, body in outcome.responses:
                ack = BatchAck.model_validate_json(body)
                if ack.duplicates != 0 or ack.stored != ack.received:
                    raise BenchError(f"{label}: a fresh batch was not stored whole: {ack}")
                stored += ack.stored
        if stored != items:
            raise BenchError(f"{label}: server acknowledged {stored} stored items; sent {items}")
        return report_rate(label, stored, result)


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the local cluster, dropped afterwards whatever happened."""
    name = f"worklens_bench_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"created PostgreSQL database {name}")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        log(f"dropped PostgreSQL database {name}")


# --- ActivityWatch ---------------------------------------------------------------------------


def aw_venv_ok(venv: Path) -> bool:
    python = venv / "bin" / "python"
    if not python.exists():
        return False
    check = (
        "import aw_server, peewee, sys; "
        "ok = aw_server.__version__.lstrip('v').startswith('0.12') "
        "and int(peewee.__version__.split('.')[0]) < 4; sys.exit(0 if ok else 1)"
    )
    result = subprocess.run([str(python), "-c", check], capture_output=True, check=False)
    return result.returncode == 0


def ensure_aw_venv() -> Path:
    """A virtual environment with aw-server 0.12 and peewee<4, cached across runs.

    It is built in a temporary directory beside the cache and renamed into place only once pip
    succeeded, so an interrupted install never leaves a half-built cache. We always run it as
    `<venv>/bin/python -m aw_server`, which works after the rename (console scripts would not:
    their shebang holds the directory they were installed in).
    """
    if aw_venv_ok(AW_VENV):
        log(f"using cached ActivityWatch environment {AW_VENV}")
        return AW_VENV
    AW_VENV.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(AW_VENV, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix="aw-venv-build-", dir=AW_VENV.parent))
    try:
        log(f"creating ActivityWatch environment ({' '.join(AW_REQUIREMENTS)})")
        subprocess.run([sys.executable, "-m", "venv", str(building)], check=True)
        subprocess.run(
            [
                str(building / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *AW_REQUIREMENTS,
            ],
            check=True,
            stdout=sys.stderr,
        )
        building.rename(AW_VENV)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if not aw_venv_ok(AW_VENV):
        raise BenchError(f"{AW_VENV} does not import aw-server 0.12 with peewee<4")
    return AW_VENV


def aw_database_files(home: Path) -> str:
    databases = sorted(str(p.relative_to(home)) for p in home.rglob("*.db"))
    return ", ".join(databases) or "(no database file found)"


def bench_aw_server(*, items: int, clients: int, new_connection_per_batch: bool) -> float:
    venv = ensure_aw_venv()
    with tempfile.TemporaryDirectory(prefix="worklens-bench-aw-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        # Every directory platformdirs may use points into the temporary home, so the testing
        # server never reads or writes the real user's ActivityWatch data or config.
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_RUNTIME_DIR": str(home / "runtime"),
        }
        env.pop("AW_PROFILE", None)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        argv = [
            str(venv / "bin" / "python"),
            "-m",
            "aw_server",
            "--testing",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--storage",
            "peewee",
        ]
        log_path = Path(tmp) / "aw-server.log"
        with running_process("aw-server", argv, env=env, log_path=log_path) as process:
            wait_for_http("aw-server", f"{base_url}/api/0/info", process, log_path)
            log(f"aw-server storage: {aw_database_files(home)}")
            bucket_ids = [f"worklens-bench-{i}" for i in range(clients)]
            for bucket_id in bucket_ids:
                bucket = {"type": "worklens.bench", "client": "worklens-bench", "hostname": "vm"}
                status, body = request_json(
                    "POST", f"{base_url}/api/0/buckets/{bucket_id}", json.dumps(bucket).encode()
                )
                if status != 200:
                    raise BenchError(f"aw-server bucket create answered {status}: {body!r}")
            log(f"aw-server: created {clients} buckets; building {items} events")
            started_at = load_started_at(items, clients)
            rng = random.Random(3)
            plans = [
                ClientPlan(
                    path=f"/api/0/buckets/{bucket_id}/events",
                    headers={"Content-Type": "application/json"},
                    bodies=aw_bodies(
                        build_device_load(
                            time_entry_id=new_id(),
                            started_at=started_at,
                            items=device_items,
                            rng=rng,
                        )
                    ),
                )
                for bucket_id, device_items in zip(
                    bucket_ids, split_evenly(items, clients), strict=True
                )
            ]
            log(f"aw-server: posting {sum(len(p.bodies) for p in plans)} batches")
            result = run_load(
                "127.0.0.1",
                ServerSide(port=port, group=process.pid),
                plans,
                new_connection_per_batch=new_connection_per_batch,
            )
            check_statuses(result.outcomes, 200)
            stored = 0
            for bucket_id in bucket_ids:
                status, body = request_json(
                    "GET", f"{base_url}/api/0/buckets/{bucket_id}/events/count"
                )
                if status != 200:
                    raise BenchError(f"aw-server event count answered {status}: {body!r}")
                stored += int(json.loads(body))
        if stored != items:
            raise BenchError(f"aw-server holds {stored} events; sent {items}")
        return report_rate("aw-server", stored, result)


# --- main ------------------------------------------------------------------------------------


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None:
        return None
    return round(ours / theirs, 2)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=100_000, help="items to post (default 100000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers for worklens-server (default: what `serve` uses, as in the README)",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="do not bench PostgreSQL")
    parser.add_argument("--skip-aw", action="store_true", help="do not bench aw-server")
    parser.add_argument(
        "--new-connection-per-batch",
        action="store_true",
        help="open a new HTTP connection for every batch, as agents that upload every few "
        "minutes do, instead of one keep-alive connection per client (the default)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="record the worklens-server workers with py-spy during each load into DIR "
        "(<label>.txt raw stacks, <label>.summary.txt hottest functions)",
    )
    args = parser.parse_args(argv)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.items < CLIENTS * 2:
        parser.error(f"--items must be at least {CLIENTS * 2}")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so every `finally` stops servers
    # and drops the database.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    results: dict[str, float | None] = {
        "sqlite_items_per_s": None,
        "postgres_items_per_s": None,
        "aw_server_items_per_s": None,
    }
    try:
        if not args.skip_aw:
            results["aw_server_items_per_s"] = bench_aw_server(
                items=args.items,
                clients=CLIENTS,
                new_connection_per_batch=args.new_connection_per_batch,
            )
        results["sqlite_items_per_s"] = bench_worklens(
            label="sqlite",
            database_url=None,
            items=args.items,
            clients=CLIENTS,
            workers=args.workers,
            profile_dir=args.profile,
            new_connection_per_batch=args.new_connection_per_batch,
        )
        if not args.skip_postgres:
            with fresh_postgres_database() as database_url:
                results["postgres_items_per_s"] = bench_worklens(
                    label="postgres",
                    database_url=database_url,
                    items=args.items,
                    clients=CLIENTS,
                    workers=args.workers,
                    profile_dir=args.profile,
                    new_connection_per_batch=args.new_connection_per_batch,
                )
    except (BenchError, subprocess.CalledProcessError, psycopg.Error, OSError) as exc:
        log(f"FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted; servers stopped and temporary data removed")
        return 130
    rounded = {key: None if value is None else round(value) for key, value in results.items()}
    line = {
        **rounded,
        "sqlite_vs_aw": ratio(results["sqlite_items_per_s"], results["aw_server_items_per_s"]),
        "postgres_vs_aw": ratio(results["postgres_items_per_s"], results["aw_server_items_per_s"]),
        "items": args.items,
        "batch_size": BATCH_SIZE,
        "clients": CLIENTS,
    }
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
