"""Pure rules of the alert check: working hours in a member's own zone, and which capture
sources a collection policy needs. No database, so each rule is tested on its own inputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from worklens_wire.v1 import Policy

#: Low activity is judged on the day so far only after this much tracked time: the first
#: minutes of a day (a login, a coffee) say nothing about it.
LOW_ACTIVITY_MIN_TRACKED_SECONDS = 3600

#: The agent's source names, in the words of a page or an e-mail.
SOURCE_LABELS = {
    "time": "Timer",
    "input": "Keyboard/mouse activity",
    "idle": "Idle detection",
    "window": "Active window",
    "screenshot": "Screenshots",
    "browser": "Browser URL",
}


@dataclass(frozen=True)
class WorkingHours:
    weekdays: frozenset[int]
    starts: dt.time
    ends: dt.time

    def is_working_day(self, local: dt.datetime) -> bool:
        return local.weekday() in self.weekdays

    def is_within(self, local: dt.datetime) -> bool:
        """`local` is a moment in the member's own zone."""
        return self.is_working_day(local) and self.starts <= local.time() < self.ends


def wanted_sources(policy: Policy) -> frozenset[str]:
    """The sources whose failure loses something the policy asks for. The browser bridge is not
    among them: it works only once the person installs the extension, so its absence is a
    choice or a step not taken yet, not a failure of the agent."""
    wanted = {"time"}
    if policy.capture_activity:
        wanted |= {"input", "idle"}
    if policy.capture_apps or policy.capture_titles:
        wanted.add("window")
    if policy.screenshots_per_interval > 0:
        wanted.add("screenshot")
    return frozenset(wanted)


def failing_sources(sources: object, wanted: frozenset[str]) -> list[str]:
    """Each unavailable wanted source of a device's stored list (the wire's CaptureSource as
    JSON), as "Label (reason)"."""
    failing = []
    for source in sources if isinstance(sources, list) else []:
        if not isinstance(source, dict) or source.get("available"):
            continue
        name = str(source.get("name"))
        if name in wanted:
            label = SOURCE_LABELS.get(name, name)
            reason = str(source.get("reason") or "").strip()
            failing.append(f"{label} ({reason})" if reason else label)
    return failing
