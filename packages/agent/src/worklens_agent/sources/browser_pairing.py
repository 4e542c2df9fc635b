"""Pairing the browser extension with this agent: the port the bridge listens on and the token
the extension must show. The token is generated once (`secrets.token_urlsafe`) and kept in the
agent store (a file only its user can read); `worklens-agent browser pair` prints both for the
extension's options page, and `--rotate` replaces a token that may have leaked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from worklens_agent.store import Store

DEFAULT_PORT = 41821
TOKEN_KEY = "browser_pairing_token"  # noqa: S105 - the store key's name, not a secret
PORT_KEY = "browser_port"


@dataclass(frozen=True)
class Pairing:
    port: int
    token: str


def pairing(store: Store, *, port: int | None = None, rotate: bool = False) -> Pairing:
    """The port and token the extension needs; the token is made on first use (or `rotate`)."""
    token = store.get(TOKEN_KEY)
    if not token or rotate:
        token = secrets.token_urlsafe(32)
        store.set(TOKEN_KEY, token)
    if port is not None:
        if not 1024 <= port <= 65535:
            raise ValueError(f"port {port} is outside 1024-65535")
        store.set(PORT_KEY, port)
    return Pairing(port=int(store.get(PORT_KEY, DEFAULT_PORT)), token=str(token))
