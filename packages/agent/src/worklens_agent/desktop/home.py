"""Where the agent keeps its state: one directory, readable only by the user who runs it."""

from __future__ import annotations

import os
from pathlib import Path

from worklens_agent.settings import AGENT_HOME


def default_home() -> Path:
    """The XDG data directory, so the outbox survives reboots and is not in a cache dir."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "worklens-agent"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--home` beats WORKLENS_AGENT_HOME beats the XDG default. The directory is created 0700."""
    from_env = AGENT_HOME.raw()
    if explicit is not None:
        path = Path(explicit)
    elif from_env:
        path = Path(from_env)
    else:
        path = default_home()
    path = path.expanduser().resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
