"""Seconds since the last user input on macOS, from Quartz's CGEventSourceSecondsSinceLastEventType
(kCGEventSourceStateCombinedSessionState, kCGAnyInputEventType).

Imports cleanly everywhere: Quartz (pyobjc) is imported in the constructor only, and the monitor
takes the Quartz module as an argument, so tests run it on Linux with the OS call replaced. The
call needs no permission (unlike counting input events, which needs Input Monitoring).

Run by hand (on macOS): `python -m worklens_agent.sources.idle_macos` prints the idle time every
second.
"""

from __future__ import annotations

import threading
from typing import Any

from worklens_agent.sources.base import print_idle_every_second


class MacIdleMonitor:
    def __init__(self, quartz: Any = None) -> None:
        if quartz is None:
            import Quartz  # type: ignore[import-not-found,unused-ignore]

            quartz = Quartz
        self._quartz = quartz
        self._lock = threading.Lock()
        self.idle_seconds()  # fail here, at open, rather than at every poll

    def idle_seconds(self) -> float:
        q = self._quartz
        with self._lock:
            seconds = q.CGEventSourceSecondsSinceLastEventType(
                q.kCGEventSourceStateCombinedSessionState, q.kCGAnyInputEventType
            )
        return max(float(seconds), 0.0)

    def close(self) -> None:
        return None


def main() -> None:
    print_idle_every_second(MacIdleMonitor())


if __name__ == "__main__":
    main()
