"""Stand-ins for macOS's pyobjc modules, behaving as the real calls do."""

from __future__ import annotations

import types


class FakeQuartz(types.ModuleType):
    """The pyobjc Quartz module: the idle call, the window list and the listen permission."""

    kCGEventSourceStateCombinedSessionState = 0
    kCGEventSourceStateHIDSystemState = 1
    kCGAnyInputEventType = 0xFFFFFFFF
    kCGWindowListOptionOnScreenOnly = 1
    kCGWindowListExcludeDesktopElements = 16
    kCGNullWindowID = 0
    kCGWindowOwnerPID = "kCGWindowOwnerPID"
    kCGWindowLayer = "kCGWindowLayer"
    kCGWindowName = "kCGWindowName"

    def __init__(self, idle: float, may_listen: bool | None = True) -> None:
        super().__init__("Quartz")
        self.idle = idle
        self.idle_calls: list[tuple[int, int]] = []
        self.permission_requests = 0
        if may_listen is not None:  # None: macOS before 10.15, which has no such call
            self.CGPreflightListenEventAccess = lambda: may_listen

    def CGEventSourceSecondsSinceLastEventType(self, state: int, event_type: int) -> float:
        self.idle_calls.append((state, event_type))
        return self.idle

    def CGRequestListenEventAccess(self) -> bool:
        self.permission_requests += 1
        return False

    def CGWindowListCopyWindowInfo(self, options: int, relative: int) -> list[dict[str, object]]:
        return [{"kCGWindowOwnerPID": 501, "kCGWindowLayer": 0, "kCGWindowName": "Apple"}]
