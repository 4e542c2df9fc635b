"""Fixtures for the agent tests: an agent home, and a fake API v1 server on a real port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from agent_fake_server import FakeServer, serve

from worklens_agent.store import Store


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
