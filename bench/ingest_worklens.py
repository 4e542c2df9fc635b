"""The WorkLens side: one run of the real `worklens-server` under the load, on SQLite or on a
fresh PostgreSQL database.

Each run gets a new data directory: `migrate` and `seed_demo` make a company with one employee
per client, each with an enrollment code (one person's devices tracking the same minutes would
be counted once: that is the server's rule, not a load), `serve` starts the server as the README
runs it, and every device enrolls over HTTP and opens one time entry (before the clock starts)
that all its items refer to. The rate counts only
what the server acknowledged as stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from ingest_load import (
    ClientPlan,
    build_device_load,
    check_statuses,
    load_started_at,
    report_rate,
    run_load,
    split_evenly,
    worklens_bodies,
)
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
    BatchAck,
    CaptureSource,
    DeviceInfo,
    EnrollRequest,
    EnrollResponse,
    TimeEntry,
    UploadBatch,
)

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


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
                executable,
                ["seed_demo", "--json", "--codes", str(clients), "--employees", str(clients)],
                env,
                "seed_demo",
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


# --- the fresh PostgreSQL database -----------------------------------------------------------


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
