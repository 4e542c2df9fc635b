"""The tray (or window) beside `worklens-agent run --with-ui`, the command that starts at login, so
that one autostart entry brings up both the tracker and what the person sees of it.

The UI is a process of its own: Tk and pystray want the main thread, and closing the window or
choosing Quit must not stop the tracker (the timer is stopped with Stop; `worklens-agent ui`
brings the UI back). It is started once, only where it can show (an X display on Linux), and
ended with the tracker.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from worklens_agent.desktop.commands import ui_command
from worklens_agent.desktop.display import display_problem

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 5.0


def start_ui(home: Path) -> subprocess.Popen[bytes] | None:
    """The UI process, or None when it cannot show here (it is logged why)."""
    problem = display_problem() if sys.platform.startswith("linux") else None
    if problem is not None:
        log.warning("no tray or window: %s", problem)
        return None
    try:
        return subprocess.Popen(ui_command(home), stdin=subprocess.DEVNULL)
    except OSError as exc:
        log.warning("could not start the tray or window: %s", exc)
        return None


def stop_child(process: subprocess.Popen[bytes] | None) -> None:
    """End a child process of the agent: SIGTERM, then SIGKILL after STOP_TIMEOUT_SECONDS."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
