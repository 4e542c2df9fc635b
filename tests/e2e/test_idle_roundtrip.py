"""Idle time end to end: the real agent on a virtual display, real input from xdotool, the real
server. The employee works, leaves for longer than the idle threshold, comes back, and keeps the
idle time as another task: the server ends up with the entry before (stopped at the last input),
the idle time as its own entry of the chosen task, marked as idle time kept, and the entry after,
each with its own slots. Then they leave again and discard that idle time: the server gets only
its stretch, marked discarded, with nothing recorded in it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import AgentProcess, ServerProcess, server_database, wait_until

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed"),
]

THRESHOLD = 3

SERVER_ROWS = """
import json
from worklens_server.tracking.models import ActivitySlot, TimeEntry
def iso(value):
    return None if value is None else value.isoformat()
print(json.dumps({
    "time_entries": [
        [str(e.id), iso(e.started_at), iso(e.stopped_at), e.project.name if e.project else None,
         e.task.name if e.task else None, e.notes, e.idle]
        for e in TimeEntry.objects.select_related("project", "task").order_by("started_at")
    ],
    "slots": [
        [str(s.time_entry_id), iso(s.started_at), s.length_seconds]
        for s in ActivitySlot.objects.all()
    ],
}))
"""


@pytest.fixture
def display() -> Iterator[str]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        name = f":{pipe.readline().strip()}"
    try:
        yield name
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


class Hands:
    """Someone at the keyboard: moves the mouse every 0.4 s while `working` is set."""

    def __init__(self, display: str) -> None:
        self.env = {**os.environ, "DISPLAY": display}
        self.working = threading.Event()
        self.done = threading.Event()
        self.last_input: dt.datetime | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        step = 0
        while not self.done.is_set():
            if self.working.wait(0.1):
                step += 1
                subprocess.run(
                    ["xdotool", "mousemove", str(100 + step % 50 * 10), "200"],
                    env=self.env,
                    check=True,
                    timeout=30,
                )
                self.last_input = dt.datetime.now(dt.UTC)
                time.sleep(0.4)

    def away(self) -> dt.datetime:
        self.working.clear()
        time.sleep(0.6)
        assert self.last_input is not None
        return self.last_input

    def stop(self) -> None:
        self.working.clear()
        self.done.set()
        self._thread.join(timeout=10)


def utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def test_idle_time_kept_as_another_task_reaches_the_server_as_its_own_entry(
    tmp_path: Path, display: str
) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", "5")
        server.start()
        agent = AgentProcess(
            tmp_path / "agent",
            {
                "DISPLAY": display,
                "WORKLENS_IDLE_THRESHOLD_SECONDS": str(THRESHOLD),
                "WORKLENS_SCREENSHOT_HOLD_SECONDS": "1",
            },
        )
        hands = Hands(display)
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            agent.start_run()
            agent.cli("start", "--project", "Website relaunch", "--task", "Design")
            hands.working.set()
            time.sleep(6)
            last_input = hands.away()
            time.sleep(THRESHOLD + 5)
            hands.working.set()  # back

            def ended_periods() -> list[dict[str, str]]:
                rows = json.loads(agent.cli("idle", "list", "--json"))
                return [row for row in rows if row["ended_at"]]

            wait_until(lambda: ended_periods(), timeout=30, what="the return from idle time")
            [period] = ended_periods()
            agent.cli(
                "idle",
                "reassign",
                period["id"],
                *("--project", "Customer support", "--task", "Calls", "--notes", "phone"),
            )
            time.sleep(6)
            hands.away()
            time.sleep(THRESHOLD + 5)
            hands.working.set()  # back again
            wait_until(lambda: ended_periods(), timeout=30, what="the second return")
            [discarded] = ended_periods()
            agent.cli("idle", "discard", discarded["id"])
            time.sleep(6)
            hands.stop()
            agent.cli("stop")
            agent.wait_until_sent()
            agent.kill_run(signal.SIGTERM)
            held = server.query(SERVER_ROWS)
        finally:
            hands.stop()
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    started, ended = utc(period["started_at"]), utc(period["ended_at"])
    assert abs((started - last_input).total_seconds()) <= 1.5
    entries = held["time_entries"]
    assert [(e[3], e[4], e[5], e[6]) for e in entries] == [
        ("Website relaunch", "Design", "", ""),
        ("Customer support", "Calls", "phone", "kept"),
        ("Website relaunch", "Design", "", ""),
        (None, None, "", "discarded"),
        ("Website relaunch", "Design", "", ""),
    ]
    before, idle, after, gone, last = entries
    assert utc(before[2]) == utc(idle[1]) == started
    assert utc(idle[2]) == utc(after[1]) == ended
    assert utc(after[2]) == utc(gone[1]) == utc(discarded["started_at"])
    assert utc(gone[2]) == utc(last[1]) == utc(discarded["ended_at"])
    assert last[2] is not None
    assert not [s for s in held["slots"] if s[0] == gone[0]]
    for entry_id, begins, stops, *_ in (before, idle, after, last):
        slots = [s for s in held["slots"] if s[0] == entry_id]
        assert slots, f"entry {entry_id} has no slots"
        for _, slot_start, length in slots:
            assert utc(begins) <= utc(slot_start)
            assert utc(slot_start) + dt.timedelta(seconds=length) <= utc(stops)
        assert sum(s[2] for s in slots) <= (utc(stops) - utc(begins)).total_seconds()
