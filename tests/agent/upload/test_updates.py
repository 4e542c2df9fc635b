"""The update check: versions compared properly, the answer kept under `update_available`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from agent_fake_server import FakeServer

from worklens_agent import __version__
from worklens_agent.cli import main
from worklens_agent.cli.status import status_report
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_agent.upload.client import AgentApi
from worklens_agent.upload.updates import check_for_update, is_newer
from worklens_wire.v1 import VersionInfo

ORDERED = [
    ("0.1.0", "0.1.1"),
    ("0.9.0", "0.10.0"),
    ("1.2", "1.10"),
    ("1.0.0rc1", "1.0.0"),
    ("1.0", "2.0"),
]


@pytest.mark.parametrize(("older", "newer"), ORDERED)
def test_is_newer_orders_versions_with_packaging(older: str, newer: str) -> None:
    assert is_newer(newer, older)
    assert not is_newer(older, newer)
    assert not is_newer(older, older)


def test_without_packaging_numeric_parts_are_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "packaging.version", None)  # import now fails
    assert is_newer("0.10.0", "0.9.0")
    assert not is_newer("0.9.0", "0.10.0")
    assert not is_newer("1.0", "1.0.0")  # equal: trailing zeros do not count
    assert is_newer("1.0.1", "1.0.0rc1")
    assert not is_newer("weird", "0.1.0")


def test_unreadable_versions_fall_back_to_numbers() -> None:
    assert is_newer("2.0-custom+build.7 (lts)", "1.9")


def test_update_found_is_stored_shown_and_cleared(
    home: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_server.version = VersionInfo(
        server_version="0.4.0",
        latest_agent_version="99.0.0",
        agent_download_url="https://example.com/worklens-agent-99.0.0.whl",
    )
    with Store(home) as store, AgentApi(fake_server.url) as api:  # no token needed
        assert check_for_update(store, api) is True
        assert store.get(Key.UPDATE_AVAILABLE) == {
            "latest_version": "99.0.0",
            "download_url": "https://example.com/worklens-agent-99.0.0.whl",
        }
        assert status_report(store)["update_available"]["latest_version"] == "99.0.0"
    assert main(["--home", str(home), "status"]) == 0
    assert (
        "update available: worklens-agent 99.0.0 from https://example.com/worklens-agent-99.0.0.whl"
    ) in capsys.readouterr().out
    fake_server.version = VersionInfo(server_version="0.4.0", latest_agent_version=__version__)
    with Store(home) as store, AgentApi(fake_server.url) as api:
        assert check_for_update(store, api) is False
        assert store.get(Key.UPDATE_AVAILABLE) is None
    assert main(["--home", str(home), "status"]) == 0
    assert "update available" not in capsys.readouterr().out
