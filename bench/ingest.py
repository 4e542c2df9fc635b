"""Ingest benchmark: WorkLens (SQLite and PostgreSQL) against ActivityWatch's own server.

Run from the repository root with the dev virtual environment:

    .venv/bin/python bench/ingest.py [--items N] [--workers W] [--skip-postgres] [--skip-aw]
        [--new-connection-per-batch] [--profile DIR]

It starts every server itself, on free ports on 127.0.0.1, with fresh storage in temporary
directories (and a fresh PostgreSQL database), sends the same load to each, and prints exactly
one JSON line on stdout. Progress goes to stderr.

Each client keeps one connection alive for all its batches; `--new-connection-per-batch` opens a
connection per batch instead, as agents that upload every few minutes do. `--profile DIR` samples
the workers with py-spy during each WorkLens load and writes the raw stacks and the hottest
functions there.

This script is the entry point; sibling modules do the work, one job each (they are imported by
bare name: running the script puts bench/ on sys.path):

- `ingest_load`: the items, the request bodies, the clients, running the load on the clock and
  the rate report (what the load is, why threads and http.client, what stderr tells).
- `ingest_servers`: the server processes: start and stop, waiting for HTTP, CPU and connection
  accounting from /proc, py-spy profiling.
- `ingest_log`: progress on stderr, and the error that stops a run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
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
    BATCH_SIZE,
    ClientPlan,
    aw_bodies,
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

CLIENTS = 4
AW_REQUIREMENTS = ("aw-server==0.12.*", "peewee<4")
AW_VENV = Path.home() / ".cache" / "worklens-bench" / "aw-venv"
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


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
