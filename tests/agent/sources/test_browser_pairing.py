"""Pairing: the token made once and kept, the port, and `worklens-agent browser pair`."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from worklens_agent.cli import main
from worklens_agent.journal.store import Store
from worklens_agent.sources.browser_pairing import DEFAULT_PORT, PORT_CHOICES, pairing


def test_pairing_token_is_made_once_and_kept(store: Store) -> None:
    first = pairing(store)
    assert DEFAULT_PORT <= first.port < DEFAULT_PORT + PORT_CHOICES
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


def test_a_second_agent_on_the_computer_is_given_the_next_free_port(tmp_path: Path) -> None:
    """Two people signed in on one computer: the first one's bridge listens on its port when the
    second pairs, so the second is given another port, and keeps it."""
    for person in ("first", "second"):
        (tmp_path / person).mkdir(mode=0o700)
    with Store(tmp_path / "first") as first_store, Store(tmp_path / "second") as second_store:
        first = pairing(first_store)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listening:
            listening.bind(("127.0.0.1", first.port))
            listening.listen()
            second = pairing(second_store)
        assert second.port != first.port
        assert DEFAULT_PORT <= second.port < DEFAULT_PORT + PORT_CHOICES
        assert pairing(second_store).port == second.port
        assert pairing(first_store).port == first.port
