"""The real `worklens-agent` executable as separate OS processes: durability and the run loop."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from agent_fake_server import PROJECT_ID, TASK_ID, FakeServer

from worklens_agent.journal.outbox import Outbox
from worklens_agent.journal.store import Store
from worklens_wire.v1 import TimeEntry, VersionInfo

AGENT = shutil.which("worklens-agent", path=str(Path(sys.executable).parent)) or "worklens-agent"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(WORKLENS_UPLOAD_INTERVAL="0.2", WORKLENS_BACKOFF_MAX="0.2", **extra)
    return env


def _agent(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AGENT, "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=60,
        check=False,
    )


def _status(home: Path) -> dict[str, object]:
    result = _agent(home, "status", "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _wait_for(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_start_and_stop_survive_sigkill_of_the_run_process(home: Path) -> None:
    runner = subprocess.Popen(
        [AGENT, "--home", str(home), "run"], env=_env(), stderr=subprocess.PIPE, text=True
    )
    try:
        started = _agent(home, "start", "--notes", "durable")
        assert started.returncode == 0, started.stderr
        assert started.stdout.startswith("Tracking started at ")
        entry_id = started.stdout.strip().rsplit("(entry ", 1)[1].rstrip(")")
        time.sleep(1.5)
        runner.kill()  # SIGKILL: no chance to flush anything
        runner.wait(timeout=10)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    status = _status(home)
    assert status["tracking"] is True
    assert status["current_entry"]["id"] == entry_id  # type: ignore[index]
    assert status["current_entry"]["notes"] == "durable"  # type: ignore[index]

    stopped = _agent(home, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.startswith("Tracking stopped at ")
    with Store(home) as store:
        item = Outbox(store).get(uuid.UUID(entry_id))
        assert item is not None
        assert item.revision == 2
        assert TimeEntry.model_validate_json(item.payload).stopped_at is not None
    again = _agent(home, "stop")
    assert (again.returncode, again.stderr.strip()) == (1, "worklens-agent: not tracking")


def test_run_tracks_uploads_and_flushes_on_sigterm(home: Path, fake_server: FakeServer) -> None:
    enrolled = _agent(home, "enroll", fake_server.url, "GOODCODE")
    assert enrolled.returncode == 0, enrolled.stderr
    assert "of Acme (emp@example.com)" in enrolled.stdout
    refused = _agent(home, "enroll", fake_server.url, "BADCODE")
    assert (refused.returncode, refused.stderr.strip()) == (
        1,
        "worklens-agent: enrollment refused: enrollment code is invalid",
    )
    fake_server.version = VersionInfo(
        server_version="0.9.0", latest_agent_version="99.0", agent_download_url="https://dl/a"
    )
    runner = subprocess.Popen(
        [AGENT, "--home", str(home), "run"], env=_env(), stderr=subprocess.PIPE, text=True
    )
    try:
        # Start tracking once `run` watches: time before it watched is not filled in beyond the
        # slot its watch began in, and a slow start could cut the entry's first second.
        deadline = time.monotonic() + 30
        while (_status(home).get("sources") or {}).get("reported_at") is None:
            assert time.monotonic() < deadline, "run never reported its sources"
            time.sleep(0.1)
        started = _agent(home, "start", "--project", "website", "--task", "Design")
        assert started.returncode == 0, started.stderr
        time.sleep(7)  # slot_seconds is 5 in the fake server's policy: at least one full slot
        assert _agent(home, "stop").returncode == 0
        restarted = _agent(home, "start")
        assert restarted.returncode == 0
        time.sleep(1.5)
        runner.send_signal(signal.SIGTERM)
        _, stderr = runner.communicate(timeout=30)
        assert runner.returncode == 0, stderr
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    # SIGTERM flushed the partial slot of the still-open entry and uploaded it.
    status = _status(home)
    assert status["pending_items"] == 0, status
    assert status["policy_version"] == 3
    sources = {s["name"]: s for s in status["sources"]["sources"]}  # type: ignore[index]
    assert sources["time"]["available"] is True
    assert sources["input"] == {
        "name": "input",
        "available": False,
        "reason": "no X display (DISPLAY is not set)",
    }
    assert sources["screenshot"] == {
        "name": "screenshot",
        "available": False,
        "reason": "no X display (DISPLAY is not set)",
    }
    device_puts = [r.json() for r in fake_server.requests if r.path == "/api/v1/device"]
    assert device_puts[0]["sources"][1]["reason"] == "no X display (DISPLAY is not set)"
    assert len(device_puts) == 1  # the info did not change during the run: sent once
    installs = [e for u in fake_server.event_posts() for e in u.events if e.kind == "install"]
    assert len({e.id for e in installs}) == 1  # recorded once, at enrollment
    assert status["update_available"] == {"latest_version": "99.0", "download_url": "https://dl/a"}

    with Store(home) as store:
        journal = Outbox(store).items()
    recorded = {item.id: item.revision for item in journal}
    assert all(item.acked_revision == item.revision for item in journal)
    # The server received every item, and each entry's latest revision last.
    received: dict[object, object] = {}
    for batch in fake_server.batches():
        for entry in batch.time_entries:
            received[entry.id] = entry
        for slot in batch.slots:
            received[slot.id] = slot
    assert set(received) == set(recorded)
    entries = [v for v in received.values() if isinstance(v, TimeEntry)]
    first, second = sorted(entries, key=lambda e: e.started_at)
    assert (first.project_id, first.task_id) == (PROJECT_ID, TASK_ID)
    assert first.stopped_at is not None
    assert second.stopped_at is None  # still tracking: `run` stopping does not stop the timer
    slots = [v for v in received.values() if not isinstance(v, TimeEntry)]
    first_slots = [s for s in slots if s.time_entry_id == first.id]  # type: ignore[union-attr]
    assert sum(s.length_seconds for s in first_slots) == int(  # type: ignore[union-attr]
        (first.stopped_at - first.started_at).total_seconds()
    )
    assert any(s.time_entry_id == second.id for s in slots)  # type: ignore[union-attr]


def test_status_before_any_run_names_every_capture_source_it_can_judge(home: Path) -> None:
    sources = {s["name"]: s for s in _status(home)["sources"]["sources"]}  # type: ignore[index]
    assert sources["time"] == {"name": "time", "available": True, "reason": ""}
    for name in ("input", "idle", "screenshot"):
        assert sources[name] == {
            "name": name,
            "available": False,
            "reason": "no X display (DISPLAY is not set)",
        }
