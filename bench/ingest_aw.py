"""The ActivityWatch side: one run of ActivityWatch's own `aw-server` under the same load.

aw-server 0.12 runs from a virtual environment the bench builds once and caches, in `--testing`
mode with its peewee storage and a temporary home, with one bucket per device. The rate counts
the events its buckets hold after the load.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ingest_load import (
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

from worklens_wire import new_id

AW_REQUIREMENTS = ("aw-server==0.12.*", "peewee<4")
AW_VENV = Path.home() / ".cache" / "worklens-bench" / "aw-venv"


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
