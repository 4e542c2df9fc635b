"""Idle time with the real `worklens-agent run` on a virtual display (Xvfb), real input from
xdotool, and the fake API server: input, none for longer than the threshold, input again; the
dialog pops up; the idle time is discarded from the command line; the server never gets it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from agent_fake_desk import record_idle_period
from agent_fake_server import FakeServer

from worklens_agent.journal.idle_periods import idle_entry, pending_idle
from worklens_agent.journal.store import Store
from worklens_agent.ui.idle_dialog import TITLE
from worklens_wire.v1 import ActivitySlot, AppSpan, TimeEntry

AGENT = shutil.which("worklens-agent", path=str(Path(sys.executable).parent)) or "worklens-agent"
THRESHOLD = 3


def _xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, timeout=30)


class Hands:
    """Someone at the keyboard: moves the mouse every 0.4 s while `working` is set."""

    def __init__(self) -> None:
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
                _xdotool("mousemove", str(100 + step % 50 * 10), "100")
                self.last_input = dt.datetime.now(dt.UTC)
                time.sleep(0.4)

    def away(self) -> dt.datetime:
        """Stop moving; returns the moment of the last input."""
        self.working.clear()
        time.sleep(0.6)  # a move in flight finishes
        assert self.last_input is not None
        return self.last_input

    def stop(self) -> None:
        self.working.clear()
        self.done.set()
        self._thread.join(timeout=10)


def _wait_for(predicate: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not in time")


def test_idle_time_discarded_from_the_cli_never_reaches_the_server(
    display: str, home: Path, fake_server: FakeServer
) -> None:
    env = {
        **os.environ,
        "WORKLENS_UPLOAD_INTERVAL": "0.2",
        "WORKLENS_BACKOFF_MAX": "0.2",
        "WORKLENS_IDLE_THRESHOLD_SECONDS": str(THRESHOLD),
    }

    def agent(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [AGENT, "--home", str(home), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def pending() -> list[dict[str, object]]:
        result = agent("idle", "list", "--json")
        assert result.returncode == 0, result.stderr
        rows: list[dict[str, object]] = json.loads(result.stdout)
        return rows

    assert agent("enroll", fake_server.url, "GOODCODE").returncode == 0
    runner = subprocess.Popen(
        [AGENT, "--home", str(home), "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    hands = Hands()
    try:
        assert agent("start", "--notes", "idle test").returncode == 0
        hands.working.set()
        time.sleep(4)
        last_input = hands.away()
        time.sleep(THRESHOLD + 4)  # away: longer than the threshold
        [going_on] = pending()
        assert going_on["ended_at"] is None
        came_back = dt.datetime.now(dt.UTC)
        hands.working.set()  # back, and working on
        _wait_for(lambda: pending()[0]["ended_at"] is not None, "the return noticed")
        [period] = pending()
        # The agent asks: its dialog is on the screen.
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", TITLE],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert found.stdout.strip()
        # Nothing of the idle time has reached the server while it waits for a decision.
        started = dt.datetime.fromisoformat(str(period["started_at"]))
        ended = dt.datetime.fromisoformat(str(period["ended_at"]))
        assert abs((started - last_input).total_seconds()) <= 1.5, (started, last_input)
        assert abs((ended - came_back).total_seconds()) <= 1.5, (ended, came_back)
        discarded = agent("idle", "discard", str(period["id"]))
        assert discarded.returncode == 0, discarded.stderr
        assert pending() == []
        # The dialog, still open, sees the decision and goes away by itself.
        _wait_for(
            lambda: (
                subprocess.run(
                    ["xdotool", "search", "--onlyvisible", "--name", TITLE],
                    capture_output=True,
                    check=False,
                ).returncode
                != 0
            ),
            "the dialog to close",
        )
        time.sleep(2)
        hands.stop()
        assert agent("stop").returncode == 0
        _wait_for(
            lambda: json.loads(agent("status", "--json").stdout)["pending_items"] == 0,
            "the outbox to drain",
        )
        runner.send_signal(signal.SIGTERM)
        _, stderr = runner.communicate(timeout=30)
        assert runner.returncode == 0, stderr
    finally:
        hands.stop()
        if runner.poll() is None:
            runner.kill()
            runner.wait()

    entries: dict[uuid.UUID, TimeEntry] = {}
    slots: list[ActivitySlot] = []
    spans: list[AppSpan] = []
    for batch in fake_server.batches():
        for entry in batch.time_entries:
            entries[entry.id] = entry  # the latest revision is what the server keeps
        slots += batch.slots
        spans += batch.app_spans
    # Two entries: up to the last input, and from the return; none holds the idle time.
    before = [e for e in entries.values() if e.started_at < started]
    after = [e for e in entries.values() if e.started_at >= started]
    assert [e.stopped_at for e in before] == [started]
    assert [e.started_at for e in after] == [ended]
    assert slots
    for slot in slots:
        end = slot.started_at + dt.timedelta(seconds=slot.length_seconds)
        assert end <= started or slot.started_at >= ended, slot
        assert slot.time_entry_id in entries
    for span in spans:
        assert span.ended_at <= started or span.started_at >= ended, span
    for entry_id, entry in entries.items():
        assert entry.stopped_at is not None
        covered = sum(s.length_seconds for s in slots if s.time_entry_id == entry_id)
        assert covered <= (entry.stopped_at - entry.started_at).total_seconds()


def test_run_asks_again_about_idle_time_left_undecided_and_keep_sends_it(
    display: str, enrolled_home: Path, fake_server: FakeServer
) -> None:
    with Store(enrolled_home) as store:
        period = record_idle_period(store)
        held = idle_entry(store, period.id)
        assert held is not None
    env = {**os.environ, "WORKLENS_UPLOAD_INTERVAL": "0.2", "WORKLENS_BACKOFF_MAX": "0.2"}
    runner = subprocess.Popen(
        [AGENT, "--home", str(enrolled_home), "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: fake_server.batches(), "the first upload")
        sent = {e.id for b in fake_server.batches() for e in b.time_entries}
        assert held.id not in sent  # waiting for the decision
        found = subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", TITLE],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        window = found.stdout.split()[0]
        _xdotool("windowfocus", "--sync", window, "key", "alt+k")
        _wait_for(
            lambda: held.id in {e.id for b in fake_server.batches() for e in b.time_entries},
            "the kept idle time uploaded",
        )
        runner.send_signal(signal.SIGTERM)
        _, stderr = runner.communicate(timeout=30)
        assert runner.returncode == 0, stderr
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    with Store(enrolled_home) as store:
        assert pending_idle(store) == []
    kept = [e for b in fake_server.batches() for e in b.time_entries if e.id == held.id]
    assert [(e.started_at, e.stopped_at, e.notes) for e in kept] == [
        (period.started_at, period.ended_at, "report")
    ]
    idle_slots = [s for b in fake_server.batches() for s in b.slots if s.time_entry_id == held.id]
    assert sum(s.length_seconds for s in idle_slots) == 41
