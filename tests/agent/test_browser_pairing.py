"""Pairing: the token made once and kept, the port, and `worklens-agent browser pair`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worklens_agent.cli import main
from worklens_agent.sources.browser_pairing import DEFAULT_PORT, pairing
from worklens_agent.store import Store


def test_pairing_token_is_made_once_and_kept(store: Store) -> None:
    first = pairing(store)
    assert first.port == DEFAULT_PORT
    assert len(first.token) >= 40
    assert pairing(store) == first
    moved = pairing(store, port=45000)
    assert (moved.port, moved.token) == (45000, first.token)
    rotated = pairing(store, rotate=True)
    assert rotated.token != first.token
    assert rotated.port == 45000
    with pytest.raises(ValueError, match="port 80 is outside 1024-65535"):
        pairing(store, port=80)


def test_browser_pair_prints_port_and_token(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "browser", "pair", "--port", "45123", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    with Store(home) as store:
        assert printed == {"port": 45123, "token": pairing(store).token}
    assert main(["--home", str(home), "browser", "pair"]) == 0
    text = capsys.readouterr().out
    assert "port:  45123" in text
    assert f"token: {printed['token']}" in text
    assert main(["--home", str(home), "browser", "pair", "--port", "22"]) == 1
    assert "port 22 is outside 1024-65535" in capsys.readouterr().err
