"""The servers under load, as processes: start each in its own process group and stop the whole
group, wait until it answers HTTP, read from /proc the CPU it (and its PostgreSQL backends) used
and how the clients' keep-alive connections are spread over its processes, and sample its
workers with py-spy (`--profile DIR`).

Every server runs on a free port on 127.0.0.1, with its output in a log file whose tail is
shown when it fails.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest_log import BenchError, log

SERVER_START_TIMEOUT_S = 60.0
STOP_GRACE_S = 10.0


# --- processes and ports ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_process(
    name: str, argv: Sequence[str], *, env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server in its own process group; stop the whole group on exit (SIGTERM, then SIGKILL
    after a grace period), so no gunicorn worker or server thread outlives the bench."""
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            list(argv),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log(f"started {name} (pid {process.pid}), log {log_path}")
        try:
            yield process
        finally:
            stop_process_group(name, process)


def stop_process_group(name: str, process: subprocess.Popen[bytes]) -> None:
    group = process.pid  # start_new_session made the child the leader of its own group
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        log(f"{name} ignored SIGTERM for {STOP_GRACE_S:.0f}s; sending SIGKILL")
    # Whatever is left of the group (a worker the master did not reap) goes too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE_S)


def request_json(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, parts.path or "/", body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_for_http(name: str, url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(
                f"{name} exited with {process.returncode} while starting; log:\n{tail(log_path)}"
            )
        with contextlib.suppress(OSError):
            status, _ = request_json("GET", url, timeout=2.0)
            if status < 500:
                return
        time.sleep(0.2)
    raise BenchError(f"{name} did not answer {url} within {SERVER_START_TIMEOUT_S:.0f}s")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log: {exc})"


# --- CPU and connections, from /proc ---------------------------------------------------------


def _proc_stat_fields(pid: str) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state first), or None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()


def _pids() -> Iterator[str]:
    return (entry for entry in os.listdir("/proc") if entry.isdigit())


def _cpu_seconds(pids: Sequence[str]) -> float:
    ticks = 0
    for pid in pids:
        fields = _proc_stat_fields(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ServerSide:
    """The processes that serve the load: a process group we started (a gunicorn master and
    its workers, or aw-server), plus the PostgreSQL backends of its database when it has one."""

    port: int
    group: int
    postgres_database: str | None = None

    def group_pids(self) -> list[str]:
        pids = []
        for pid in _pids():
            fields = _proc_stat_fields(pid)
            if fields is not None and int(fields[2]) == self.group:
                pids.append(pid)
        return pids

    def cpu_seconds(self) -> tuple[float, float]:
        """User + system CPU so far of the live server processes, and of the PostgreSQL
        backends serving its database (their process title names the database)."""
        backends = []
        if self.postgres_database is not None:
            marker = f" {self.postgres_database} ".encode()
            for pid in _pids():
                with contextlib.suppress(OSError):
                    title = Path(f"/proc/{pid}/cmdline").read_bytes()
                    if title.startswith(b"postgres: ") and marker in title:
                        backends.append(pid)
        return _cpu_seconds(self.group_pids()), _cpu_seconds(backends)

    def connections_per_process(self, client_ports: Sequence[int]) -> list[int]:
        """How many of the clients' connections each server process holds, busiest first.

        With keep-alive, a connection stays with the worker that accepted it, and which worker
        that is is up to the kernel and the workers' accept race: 4 connections may land 2+2,
        3+1 or 4+0 on 2 workers. This makes that visible, since it decides how many cores the
        server can use."""
        wanted = set(client_ports)
        inodes: set[str] = set()
        with contextlib.suppress(OSError):
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
                fields = line.split()
                local_port = int(fields[1].rpartition(":")[2], 16)
                remote_port = int(fields[2].rpartition(":")[2], 16)
                if local_port == self.port and remote_port in wanted:
                    inodes.add(f"socket:[{fields[9]}]")
        counts = []
        for pid in self.group_pids():
            held = 0
            with contextlib.suppress(OSError):
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    with contextlib.suppress(OSError):
                        if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                            held += 1
            if held:
                counts.append(held)
        return sorted(counts, reverse=True)


# --- profiling (opt-in: --profile DIR) -------------------------------------------------------


@contextlib.contextmanager
def py_spy_recording(pid: int, raw_path: Path) -> Iterator[None]:
    """Sample `pid` and its child processes (the gunicorn workers) with py-spy while the body
    runs, into a raw collapsed-stack file. Only samples that hold the GIL count (--gil): they
    are the Python CPU the workers spend, which is what the 2 cores run out of; time in the
    database's C code or waiting for PostgreSQL is not in them (the CPU totals logged for each
    run cover it). --nonblocking keeps the workers running while sampled."""
    py_spy = Path(sys.executable).parent / "py-spy"
    if not py_spy.exists():
        raise BenchError(f"{py_spy} not found: --profile needs py-spy in this environment")
    argv = [
        str(py_spy),
        "record",
        "--pid",
        str(pid),
        "--subprocesses",
        "--nonblocking",
        "--gil",
        "--rate",
        "250",
        "--format",
        "raw",
        "--output",
        str(raw_path),
    ]
    log_path = raw_path.with_suffix(".py-spy.log")
    with log_path.open("wb") as log_file:
        recorder = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        time.sleep(2.0)  # py-spy attaches to the master, then finds the workers
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()
            recorder.wait()
    if not raw_path.exists():
        raise BenchError(f"py-spy wrote no profile; its log:\n{tail(log_path)}")


def frame_name(frame: str) -> str:
    """`function (path/module.py:line)` without the line, so one function is one entry."""
    head, sep, rest = frame.rpartition(":")
    return head if sep and rest.rstrip(")").isdigit() else frame


def summarise_profile(raw_path: Path, top: int = 25) -> str:
    """Inclusive and self shares of samples per function, from py-spy's raw format
    (`frame;frame;...;leaf count` per line, outermost frame first). Samples outside
    Python (idle waits) are not in the file: shares are of the workers' busy time."""
    inclusive: dict[str, int] = {}
    self_time: dict[str, int] = {}
    total = 0
    for line in raw_path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_name(f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith("process ")]
        if not frames:
            continue
        total += count
        for name in set(frames):
            inclusive[name] = inclusive.get(name, 0) + count
        self_time[frames[-1]] = self_time.get(frames[-1], 0) + count
    lines = [f"{total} samples"]
    for title, table in (("inclusive", inclusive), ("self", self_time)):
        lines.append(f"-- top {top} by {title} share --")
        for name, count in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            lines.append(f"{100 * count / max(total, 1):5.1f}%  {name}")
    return "\n".join(lines)
