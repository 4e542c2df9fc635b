"""Asking about idle time from `worklens-agent run`: the dialog runs as a child process
(`worklens-agent idle dialog`), so the tracker's loop never waits on Tk, and one at a time."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from worklens_agent.desktop.commands import idle_dialog_command
from worklens_agent.journal.idle_periods import IdlePeriod
from worklens_agent.run.ui_process import stop_child

log = logging.getLogger(__name__)


class IdlePrompt:
    def __init__(self, home: Path) -> None:
        self.home = home
        self._child: subprocess.Popen[bytes] | None = None

    def ask(self, period: IdlePeriod) -> None:
        """Show the dialog unless it is already showing (it asks about every pending period)."""
        if self._child is not None and self._child.poll() is None:
            return
        log.info("asking about idle time %s .. %s", period.started_at, period.ended_at)
        self._child = subprocess.Popen(idle_dialog_command(self.home), stdin=subprocess.DEVNULL)

    def close(self) -> None:
        """The agent stops: close its dialog (the decision stays pending, nothing is lost)."""
        child, self._child = self._child, None
        stop_child(child)
