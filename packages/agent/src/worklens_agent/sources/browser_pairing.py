"""Pairing the browser extension with this agent: the port the bridge listens on and the token
the extension must show. The token is generated once (`secrets.token_urlsafe`) and kept in the
agent store (a file only its user can read); `worklens-agent browser pair` prints both for the
extension's options page, and `--rotate` replaces a token that may have leaked.

The port is chosen once too: the first of DEFAULT_PORT and the next PORT_CHOICES - 1 ports that
is free on 127.0.0.1 then, so that the agents of two people signed in on one computer (each with
its own store) do not both wait for the same port. `--port` sets another.
"""

from __future__ import annotations

import errno
import secrets
import socket
from dataclasses import dataclass

from worklens_agent.journal.store import Store
from worklens_agent.settings import Key

DEFAULT_PORT = 41821
PORT_CHOICES = 100


@dataclass(frozen=True)
class Pairing:
    port: int
    token: str


def pairing(store: Store, *, port: int | None = None, rotate: bool = False) -> Pairing:
    """The port and token the extension needs; the token is made on first use (or `rotate`)."""
    token = store.get(Key.BROWSER_PAIRING_TOKEN)
    if not token or rotate:
        token = secrets.token_urlsafe(32)
        store.set(Key.BROWSER_PAIRING_TOKEN, token)
    if port is not None:
        if not 1024 <= port <= 65535:
            raise ValueError(f"port {port} is outside 1024-65535")
        store.set(Key.BROWSER_PORT, port)
    stored = store.get(Key.BROWSER_PORT)
    if stored is None:
        stored = first_free_port()
        store.set(Key.BROWSER_PORT, stored)
    return Pairing(port=int(stored), token=str(token))


def first_free_port() -> int:
    """The first port from DEFAULT_PORT on that 127.0.0.1 can listen on now (DEFAULT_PORT when
    none of PORT_CHOICES is: the bridge then says the port is taken)."""
    for port in range(DEFAULT_PORT, DEFAULT_PORT + PORT_CHOICES):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                continue
            return port
    return DEFAULT_PORT
