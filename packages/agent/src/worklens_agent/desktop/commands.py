"""This agent's own command lines: what starts at login, and the processes it starts itself (the
tray or window, the idle dialog). Each is the console script next to this Python, else
`python -m worklens_agent.cli`, with this agent's home, so it works from any directory."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def agent_prefix(home: Path) -> list[str]:
    """This agent's command line, with this home, from any working directory, before the verb."""
    script_dir = Path(sys.executable).parent
    script = shutil.which("worklens-agent", path=str(script_dir))
    start = [script] if script else [sys.executable, "-m", "worklens_agent.cli"]
    return [*start, "--home", str(home)]


def agent_command(home: Path) -> list[str]:
    """What starts at login: the tracker, and beside it the tray or window (run/ui_process.py)."""
    return [*agent_prefix(home), "run", "--with-ui"]


def ui_command(home: Path) -> list[str]:
    """The tray icon, or the window where there is no tray."""
    return [*agent_prefix(home), "ui"]


def idle_dialog_command(home: Path) -> list[str]:
    """The window asking about each idle period waiting for a decision."""
    return [*agent_prefix(home), "idle", "dialog"]
