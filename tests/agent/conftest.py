"""Fixtures for the agent tests: an agent home, a fake API v1 server on a real port, and a
virtual X display (Xvfb) for the desktop tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_fake_server import FakeServer, serve

from worklens_agent.journal.store import Store


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    with serve() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "agent-home"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    with Store(home) as opened:
        yield opened


@pytest.fixture
def enrolled_home(home: Path, fake_server: FakeServer) -> Path:
    """An agent home enrolled (through the CLI) with the fake server."""
    from worklens_agent.cli import main

    assert main(["--home", str(home), "enroll", fake_server.url, "GOODCODE"]) == 0
    return home


@pytest.fixture
def display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh Xvfb display (1920x1080) as DISPLAY, with no window manager."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1920x1080x24",
            "-nolisten",
            "tcp",
            "-noreset",  # a reset when the last client leaves breaks connections in flight
        ],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        name = f":{pipe.readline().strip()}"
    monkeypatch.setenv("DISPLAY", name)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    try:
        yield name
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
