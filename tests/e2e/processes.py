"""Real WorkLens processes for end-to-end tests: the server as `worklens-server serve` on a real
port, and the agent CLI as separate OS processes, each in its own home directory."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Any, timeout: float, interval: float = 0.25, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


def run_checked(program: str, args: tuple[str, ...], env: dict[str, str], timeout: float) -> str:
    """Runs one of our console scripts to completion; its stdout, or a failure showing stderr."""
    result = subprocess.run(
        [str(BIN / program), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{program} {args} failed:\n{result.stderr}"
    return result.stdout


@contextlib.contextmanager
def server_database(data_dir: Path) -> Iterator[dict[str, str]]:
    """Environment for a fresh server database: SQLite in data_dir, or a throwaway PostgreSQL
    database when the suite runs with DATABASE_URL pointing at PostgreSQL."""
    env = {"WORKLENS_DATA_DIR": str(data_dir)}
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        yield env
        return
    name = f"worklens_e2e_{uuid.uuid4().hex[:12]}"
    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DATABASE_URL": base_url.rsplit("/", 1)[0] + "/" + name}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ServerProcess:
    """`worklens-server serve`, the production web server setup, on a free local port."""

    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.env = {**os.environ, **env}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.workers = workers  # gunicorn worker processes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(env["WORKLENS_DATA_DIR"]) / "server.log"

    def manage(self, *args: str) -> str:
        return run_checked("worklens-server", args, self.env, timeout=120)

    def migrate_and_seed(self, *seed_args: str) -> dict[str, Any]:
        """A fresh database with the demo company; what `seed_demo --json` printed. Both
        commands run in one process: starting Django once instead of twice saves seconds per
        end-to-end test."""
        code = (
            "from django.core.management import call_command; "
            "call_command('migrate', interactive=False, verbosity=0); "
            f"call_command('seed_demo', '--json', *{list(seed_args)!r})"
        )
        seeded: dict[str, Any] = json.loads(
            self.manage("shell", "-c", code).strip().splitlines()[-1]
        )
        return seeded

    def query(self, code: str) -> Any:
        """Runs `code` in the server's Django shell; the code prints one JSON document."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "worklens-server"),
                *("serve", "--host", "127.0.0.1", "--port", str(self.port)),
                *("--workers", str(self.workers)),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self._answers, timeout=30, what=f"server on {self.url}")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"server exited:\n{self.log_path.read_text()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/api/v1/docs", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes: children of the master (the process started)."""
        assert self.process is not None
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # "pid (comm) state ppid ...": comm may hold spaces, so split after its ")".
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


class AgentProcess:
    """The agent CLI in its own home directory, as a separate OS process per command."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None) -> None:
        self.home = home
        self.env = {
            **os.environ,
            "WORKLENS_AGENT_HOME": str(home),
            "WORKLENS_UPLOAD_INTERVAL": "1",
            "WORKLENS_BACKOFF_MAX": "2",
            **(extra_env or {}),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.runner: subprocess.Popen[bytes] | None = None
        self.log_path = home / "run.log"

    def cli(self, *args: str) -> str:
        return run_checked("worklens-agent", args, self.env, timeout=60)

    def status(self) -> dict[str, Any]:
        return dict(json.loads(self.cli("status", "--json")))

    def wait_until_sent(self, timeout: float = 60) -> None:
        """Until the server has acknowledged everything the agent recorded."""
        wait_until(
            lambda: self.status()["pending_items"] == 0, timeout=timeout, what="the outbox to drain"
        )

    def start_run(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.runner = subprocess.Popen(
            [str(BIN / "worklens-agent"), "run"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_run(self, sig: int = signal.SIGKILL) -> None:
        assert self.runner is not None
        os.kill(self.runner.pid, sig)
        self.runner.wait(timeout=30)
        self.runner = None


class WorkerProcess:
    """`worklens-server db_worker`, the task worker (e-mail delivery among others)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {**os.environ, **env}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(env["WORKLENS_DATA_DIR"]) / "worker.log"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "worklens-server"), "db_worker", "--interval", "0.2", "--no-startup-delay"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
