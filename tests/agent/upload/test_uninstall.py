"""`worklens-agent uninstall`: nothing is deleted before the server acknowledged the uninstall;
offline nothing changes unless --force; --keep-data keeps the home."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from agent_fake_server import FakeServer

from worklens_agent.cli import main
from worklens_agent.journal.store import DB_NAME, Store
from worklens_agent.recording.entries import start_entry
from worklens_agent.settings import Key
from worklens_agent.upload.device_sync import pending_events, record_install
from worklens_agent.upload.uninstall import running_agent_pid


@pytest.fixture(autouse=True)
def _config_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uninstall removes the autostart entry: never the real user's."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def autostart_file(tmp_path: Path, enrolled_home: Path) -> Path:
    assert main(["--home", str(enrolled_home), "autostart", "on"]) == 0
    path = tmp_path / "config" / "autostart" / "worklens-agent.desktop"
    assert path.exists()
    return path


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _uninstalls(fake_server: FakeServer) -> list[object]:
    return [e for e in fake_server.stored_events.values() if e.kind == "uninstall"]


def test_uninstall_waits_for_the_acknowledgement_then_deletes(
    enrolled_home: Path,
    fake_server: FakeServer,
    autostart_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Store(enrolled_home) as store:
        start_entry(store)  # unsent data: exactly what must not vanish before the server knows
    seen_at_ack: list[bool] = []
    fake_server.before_events = lambda: seen_at_ack.append(
        (enrolled_home / DB_NAME).exists() and (enrolled_home / "device-token").exists()
    )
    (enrolled_home / "notes.txt").write_text("not the agent's")
    capsys.readouterr()

    assert main(["--home", str(enrolled_home), "uninstall"]) == 0

    assert seen_at_ack == [True]  # the server was asked while everything was still there
    (uninstall,) = _uninstalls(fake_server)
    assert uninstall.details == {"keep_data": "false"}  # type: ignore[attr-defined]
    assert not autostart_file.exists()
    assert sorted(p.name for p in enrolled_home.iterdir()) == ["notes.txt"]
    out = capsys.readouterr().out
    assert "The server acknowledged the uninstall." in out
    assert f"{enrolled_home} is kept, it holds other files: notes.txt" in out


def test_offline_uninstall_changes_nothing_and_a_retry_reuses_the_event_id(
    enrolled_home: Path,
    fake_server: FakeServer,
    autostart_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Store(enrolled_home) as store:
        store.set(Key.SERVER_URL, _dead_url())
    before = sorted(p.name for p in enrolled_home.iterdir())
    capsys.readouterr()

    assert main(["--home", str(enrolled_home), "uninstall"]) == 1

    err = capsys.readouterr().err
    assert "did not acknowledge the uninstall" in err
    assert "nothing was changed" in err
    assert "--force" in err
    assert autostart_file.exists()
    assert sorted(p.name for p in enrolled_home.iterdir()) == before
    with Store(enrolled_home) as store:
        attempted = store.get(Key.UNINSTALL_EVENT)
        assert attempted is not None
        assert pending_events(store) == []  # the runner would not send it meanwhile
        store.set(Key.SERVER_URL, fake_server.url)
    fake_server.events_script = [(503, "down for upgrade")]
    assert main(["--home", str(enrolled_home), "uninstall"]) == 1
    assert "HTTP 503: down for upgrade" in capsys.readouterr().err
    assert (enrolled_home / DB_NAME).exists()

    assert main(["--home", str(enrolled_home), "uninstall"]) == 0
    (uninstall,) = _uninstalls(fake_server)
    assert str(uninstall.id) == attempted["id"]  # type: ignore[attr-defined]
    assert not (enrolled_home / DB_NAME).exists()


def test_force_uninstalls_without_the_server(
    enrolled_home: Path, autostart_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(enrolled_home) as store:
        store.set(Key.SERVER_URL, _dead_url())
    capsys.readouterr()
    assert main(["--home", str(enrolled_home), "uninstall", "--force"]) == 0
    out = capsys.readouterr().out
    assert "The server was NOT told:" in out
    assert f"Agent data deleted ({enrolled_home})." in out
    assert not enrolled_home.exists()
    assert not autostart_file.exists()


def test_keep_data_keeps_the_home_and_a_later_run_is_a_new_install(
    enrolled_home: Path, fake_server: FakeServer, autostart_file: Path
) -> None:
    assert main(["--home", str(enrolled_home), "uninstall", "--keep-data"]) == 0
    (uninstall,) = _uninstalls(fake_server)
    assert uninstall.details == {"keep_data": "true"}  # type: ignore[attr-defined]
    assert not autostart_file.exists()
    with Store(enrolled_home) as store:
        assert store.get(Key.INSTALLED_EVENT) is None
        assert store.get(Key.UNINSTALL_EVENT) is None
        assert store.get(Key.DEVICE_ID) is not None
        event = record_install(store)
        assert event is not None
        assert pending_events(store) == [event]


def test_not_enrolled_needs_no_server(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(home):
        pass
    assert main(["--home", str(home), "uninstall"]) == 0
    assert "Not enrolled: no server to tell." in capsys.readouterr().out
    assert not home.exists()


def test_a_running_agent_blocks_uninstall(
    enrolled_home: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "worklens-agent", "run"]
    )
    try:
        with Store(enrolled_home) as store:
            store.set(Key.SOURCES, {"pid": sleeper.pid, "sources": []})
        assert main(["--home", str(enrolled_home), "uninstall"]) == 1
        assert "`worklens-agent run` is running" in capsys.readouterr().err
        with Store(enrolled_home) as store:  # a pid now used by another program: not the agent
            assert running_agent_pid(store) == sleeper.pid
            store.set(Key.SOURCES, {"pid": other.pid, "sources": []})
            assert running_agent_pid(store) is None
            store.set(Key.SOURCES, {"pid": sleeper.pid, "sources": []})
        assert _uninstalls(fake_server) == []
        assert (enrolled_home / DB_NAME).exists()
    finally:
        for process in (sleeper, other):
            process.kill()
            process.wait()
    assert os.path.exists(enrolled_home / DB_NAME)
    assert main(["--home", str(enrolled_home), "uninstall"]) == 0  # stopped: now it goes
