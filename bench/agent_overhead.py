"""Agent overhead benchmark: what the tracking agent costs the employee's computer.

Run from the repository root with the dev virtual environment:

    .venv/bin/python bench/agent_overhead.py [--minutes 10] [--profile DIR]

The server runs from the dev environment; the agent from `.venv-agent`, which holds only the
agent's pins (made on first use, as scripts/demo.sh does), so it is measured as installed.

It starts everything itself, in a temporary directory: a virtual desktop (Xvfb 1920x1080 and
openbox) with two text-editor windows (Tk), the real server (`worklens-server serve`, SQLite), and
the real agent (`worklens-agent run`, enrolled with that server) tracking with the product's
defaults except one screenshot a minute and no review hold (so every image is also uploaded while
measured). For `--minutes` xdotool types into the window in front and moves the mouse every few
seconds and switches between the windows every half minute. Then it prints exactly one JSON line
on stdout; progress goes to stderr.

- `cpu_percent`: the agent process's CPU time (user + system, all threads, from /proc/<pid>/stat)
  over the measured run, as a percentage of one core.
- `peak_rss_mb`: the agent's peak resident memory (VmHWM in /proc/<pid>/status), in MiB.
- `screenshot_ms_median`, `screenshot_kb_median`: per image, as the agent measured it (the grab
  plus the encode; see `worklens_agent.recording.screenshots.capture_timings`) and the encoded size;
  `screenshot_cpu_ms_median` is the same work in the capturing thread's CPU time, which other
  load on the machine inflates much less than the clock time.
- `load_average`: the machine's 1/5/15-minute load at the end, since other work on the machine
  slows every figure above except the memory.

`--profile DIR` samples the agent with py-spy for the whole run and writes the raw stacks and the
hottest functions there.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path

import httpx

from worklens_agent.journal.store import Store
from worklens_agent.recording.screenshots import capture_timings
from worklens_agent.settings import Key

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
#: The agent runs from an environment of its own pins only (requirements/agent.txt, what
#: scripts/demo.sh installs for employees), not from the dev environment: there, tools such as
#: import-linter bring click and rich, which httpx then imports for its command line, 11 MB
#: that no installed agent carries.
AGENT_VENV = ROOT / ".venv-agent"
TYPING_EVERY_S = 3.0
SWITCH_EVERY_S = 30.0
START_TIMEOUT_S = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

EDITOR_WINDOW = """
import sys, tkinter
title, geometry, source = sys.argv[1:4]
root = tkinter.Tk()
root.title(title)
root.geometry(geometry)
text = tkinter.Text(root, font=("DejaVu Sans Mono", 11), wrap="none")
text.insert("1.0", open(source, encoding="utf-8").read())
text.mark_set("insert", "1.0")  # typing goes in at the top: the window stays full of code
text.pack(fill="both", expand=True)
text.focus_set()
root.mainloop()
"""

POLICY = """
import json
from django.db import transaction
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
with transaction.atomic():
    policy = update_policy(
        company=Company.objects.get(id="{company_id}"),
        slot_seconds=600, screenshots_per_interval=1, screenshot_interval_seconds=60,
    )
print(json.dumps({{"version": policy.version}}))
"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """The benchmark could not produce a trustworthy number; the message says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, ready: object, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise BenchError(f"timed out waiting for {what}")
        time.sleep(0.2)


def run_checked(args: Sequence[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(args[:3])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


@contextlib.contextmanager
def started(args: Sequence[str], env: dict[str, str], log_path: Path) -> Iterator[int]:
    """A process in its own group, stopped (SIGTERM, then SIGKILL) on the way out; yields its
    pid."""
    with log_path.open("ab") as output:
        process = subprocess.Popen(
            args, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- the desktop -------------------------------------------------------------------------------


@contextlib.contextmanager
def virtual_desktop(work: Path) -> Iterator[tuple[str, list[str]]]:
    """Xvfb, openbox and two editor windows; yields the display name and the window titles."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = f":{pipe.readline().strip()}"
    env = {**os.environ, "DISPLAY": display}
    recording = Path(__file__).resolve().parents[1] / "packages/agent/src/worklens_agent/recording"
    windows = [
        ("screenshots.py - Editor", "1100x800+40+40", recording / "screenshots.py"),
        ("tracker.py - Editor", "1000x860+820+160", recording / "tracker.py"),
    ]
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(started(["openbox"], env, work / "openbox.log"))
            time.sleep(0.5)
            for title, geometry, source in windows:
                stack.enter_context(
                    started(
                        [sys.executable, "-c", EDITOR_WINDOW, title, geometry, str(source)],
                        env,
                        work / "windows.log",
                    )
                )
                shown = [display, "search", "--name", title]
                wait_for(f"window {title!r}", lambda shown=shown: xdotool(*shown))
            yield display, [title for title, _, _ in windows]
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def xdotool(display: str, *args: str) -> bool:
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        timeout=30,
        check=False,
    )
    return done.returncode == 0


WORDS = ("tracker", "slot", "policy", "screenshot", "upload", "window", "idle", "span", "entry")


def drive_input(display: str, titles: list[str], seconds: float) -> dict[str, int]:
    """Typing and pointer moves every few seconds, a window switch every half minute."""
    counts = {"bursts": 0, "switches": 0}
    started_at = time.monotonic()
    front = 0
    step = 0
    while (elapsed := time.monotonic() - started_at) < seconds:
        if elapsed >= (counts["switches"] + 1) * SWITCH_EVERY_S:
            front = 1 - front
            xdotool(display, "search", "--name", titles[front], "windowactivate", "--sync")
            counts["switches"] += 1
        words = " ".join(WORDS[(step + i) % len(WORDS)] for i in range(3))
        xdotool(display, "type", "--delay", "70", words)
        xdotool(display, "key", "Return")
        path = [str(100 + (step * 37 + i * 45) % 1700) for i in range(12)]
        moves = [arg for i in range(0, 12, 2) for arg in ("mousemove", path[i], path[i + 1])]
        xdotool(display, *moves)
        counts["bursts"] += 1
        step += 1
        time.sleep(max(0.0, started_at + step * TYPING_EVERY_S - time.monotonic()))
    return counts


# --- the agent process ---------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system time of every thread of `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmHWM for process {pid}")


@contextlib.contextmanager
def py_spy_recording(pid: int, seconds: float, directory: Path | None) -> Iterator[None]:
    if directory is None:
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    raw = directory / "agent.raw"
    recorder = subprocess.Popen(
        [
            str(BIN / "py-spy"),
            *("record", "--pid", str(pid), "--duration", str(int(seconds))),
            *("--rate", "50", "--format", "raw", "--output", str(raw), "--nonblocking"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        recorder.wait(timeout=seconds + 60)
        if raw.exists():
            summary = summarise_profile(raw)
            (directory / "agent-top.txt").write_text(summary)
            log(f"profile in {directory}:\n{summary}")


def summarise_profile(raw: Path, top: int = 25) -> str:
    """The functions most often on the stack (inclusive), and most often running (self)."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"{total} samples"]
    for title, counter in (("inclusive", inclusive), ("self", own)):
        lines.append(f"-- {title}")
        for frame, n in counter.most_common(top):
            lines.append(f"{n * 100 / max(total, 1):5.1f}% {frame}")
    return "\n".join(lines)


# --- the run -------------------------------------------------------------------------------------


def agent_environment() -> Path:
    """`.venv-agent`, made or brought up to date from requirements/agent.txt as demo.sh does."""
    script = "source scripts/lib/common.sh && ensure_venv .venv-agent requirements/agent.txt "
    script += "packages/wire packages/agent"
    subprocess.run(["bash", "-c", script], cwd=ROOT, check=True, stdout=sys.stderr)
    return AGENT_VENV


def measure(minutes: float, profile: Path | None) -> dict[str, object]:
    seconds = minutes * 60
    with tempfile.TemporaryDirectory(prefix="worklens-agent-bench-") as tmp:
        work = Path(tmp)
        server_env = {**os.environ, "WORKLENS_DATA_DIR": str(work / "server")}
        server_env.pop("DATABASE_URL", None)
        server_env.pop("DJANGO_SETTINGS_MODULE", None)
        manage = [str(BIN / "worklens-server")]
        run_checked([*manage, "migrate", "--no-input"], server_env)
        demo = json.loads(run_checked([*manage, "seed_demo", "--json", "--codes", "1"], server_env))
        policy = POLICY.format(company_id=demo["company_id"])
        run_checked([*manage, "shell", "-c", policy], server_env)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        serve = [*manage, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]

        with (
            virtual_desktop(work) as (display, titles),
            started(serve, server_env, work / "server.log"),
        ):
            wait_for("the server", lambda: answers(f"{url}/api/v1/docs"))
            home = work / "agent"
            agent_env = {
                **server_env,
                "DISPLAY": display,
                "WORKLENS_AGENT_HOME": str(home),
                "WORKLENS_SCREENSHOT_HOLD_SECONDS": "0",
            }
            agent = [str(agent_environment() / "bin" / "worklens-agent")]
            run_checked([*agent, "enroll", url, demo["enrollment_codes"][0]], agent_env)
            xdotool(display, "search", "--name", titles[0], "windowactivate", "--sync")
            with started([*agent, "run"], agent_env, work / "agent.log") as pid:
                wait_for("the agent's sources", lambda: sources_reported(home))
                run_checked([*agent, "start", "--notes", "overhead benchmark"], agent_env)
                log(f"agent {pid} tracking; driving input for {minutes:g} min")
                cpu_before, clock_before = cpu_seconds(pid), time.monotonic()
                with py_spy_recording(pid, seconds, profile):
                    counts = drive_input(display, titles, seconds)
                cpu = cpu_seconds(pid) - cpu_before
                elapsed = time.monotonic() - clock_before
                rss = peak_rss_mb(pid)
                load = os.getloadavg()
                run_checked([*agent, "stop"], agent_env)
            with Store(home) as store:
                timings = capture_timings(store)
            (work / "agent.log").replace(Path(tempfile.gettempdir()) / "worklens-agent-bench.log")
    if not timings:
        raise BenchError("the agent took no screenshot")
    log(f"{len(timings)} screenshots; input bursts and window switches: {counts}")
    milliseconds = [float(str(timing["ms"])) for timing in timings]
    cpu_milliseconds = [float(str(timing["cpu_ms"])) for timing in timings]
    kilobytes = [int(str(timing["bytes"])) / 1024 for timing in timings]
    return {
        "cpu_percent": round(cpu * 100 / elapsed, 3),
        "peak_rss_mb": round(rss, 1),
        "screenshot_ms_median": round(statistics.median(milliseconds), 1),
        "screenshot_kb_median": round(statistics.median(kilobytes), 1),
        "screenshot_cpu_ms_median": round(statistics.median(cpu_milliseconds), 1),
        "screenshots": len(timings),
        "minutes": minutes,
        "load_average": [round(value, 2) for value in load],
        "python_xlib": metadata.version("python-xlib"),
    }


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def sources_reported(home: Path) -> bool:
    with Store(home) as store:
        return store.get(Key.SOURCES) is not None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="measured run (default 10)")
    parser.add_argument("--profile", type=Path, help="record the agent with py-spy into DIR")
    args = parser.parse_args(argv)
    for tool in ("Xvfb", "openbox", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (apt-get install xvfb openbox xdotool)")
    try:
        result = measure(args.minutes, args.profile)
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
