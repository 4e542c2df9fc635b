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
- `ingest_aw`: the ActivityWatch side: aw-server in a cached virtual environment, its buckets,
  the same load posted and its events counted.
- `ingest_log`: progress on stderr, and the error that stops a run.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg
from ingest_aw import bench_aw_server
from ingest_load import BATCH_SIZE
from ingest_log import BenchError, log
from ingest_worklens import bench_worklens, fresh_postgres_database

CLIENTS = 4


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
