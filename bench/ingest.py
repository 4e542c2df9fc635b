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
- `ingest_worklens`: the WorkLens side: a data directory seeded with enrollment codes, the
  server started as the README runs it, devices enrolled, the load posted and the acks checked;
  and the fresh PostgreSQL database.
- `ingest_log`: progress on stderr, and the error that stops a run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
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
)
from ingest_log import BenchError, log
from ingest_servers import (
    ServerSide,
    free_port,
    request_json,
    running_process,
    wait_for_http,
)
from ingest_worklens import bench_worklens, fresh_postgres_database

from worklens_wire import new_id

CLIENTS = 4
AW_REQUIREMENTS = ("aw-server==0.12.*", "peewee<4")
AW_VENV = Path.home() / ".cache" / "worklens-bench" / "aw-venv"


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
