"""Which way each policy field collects less, how several teams' values combine, and how a value
reads on a page. Pure functions over the wire Policy's fields: no database.

Every field is one of:

- a privacy switch: off collects less (activity, applications, titles, URLs), or on collects less
  (blurring);
- a limit: lower collects less (screenshots per interval, quality, largest width) or higher
  collects less (the screenshot interval);
- the private apps: more apps collect less; several lists are united;
- a setting about how time is counted, not about what is collected (slot length, idle
  threshold). Several teams' values combine to the longest: the coarsest activity slot and the
  most time before the member counts as idle, the values kindest to the member.

A member in several teams gets, per field, the value that collects least among the teams that
set it (teams that inherit the field have no say in it).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

from worklens_server.formatting import duration_in_words
from worklens_wire.v1 import Policy as WirePolicy


class Kind(enum.Enum):
    OFF_IS_LESS = "off collects less"
    ON_IS_LESS = "on collects less"
    LOWER_IS_LESS = "lower collects less"
    HIGHER_IS_LESS = "higher collects less"
    APPS = "more private apps collect less"
    TIME_COUNTING = "not about what is collected"


#: Every field of the wire Policy but its version, in the order the pages show them.
FIELDS: tuple[str, ...] = (
    "capture_activity",
    "slot_seconds",
    "idle_threshold_seconds",
    "capture_apps",
    "capture_titles",
    "capture_urls",
    "screenshots_per_interval",
    "screenshot_interval_seconds",
    "screenshot_blur",
    "screenshot_quality",
    "screenshot_max_width",
    "private_apps",
)

KINDS: dict[str, Kind] = {
    "capture_activity": Kind.OFF_IS_LESS,
    "slot_seconds": Kind.TIME_COUNTING,
    "idle_threshold_seconds": Kind.TIME_COUNTING,
    "capture_apps": Kind.OFF_IS_LESS,
    "capture_titles": Kind.OFF_IS_LESS,
    "capture_urls": Kind.OFF_IS_LESS,
    "screenshots_per_interval": Kind.LOWER_IS_LESS,
    "screenshot_interval_seconds": Kind.HIGHER_IS_LESS,
    "screenshot_blur": Kind.ON_IS_LESS,
    "screenshot_quality": Kind.LOWER_IS_LESS,
    "screenshot_max_width": Kind.LOWER_IS_LESS,
    "private_apps": Kind.APPS,
}

LABELS: dict[str, str] = {
    "capture_activity": "Keyboard and mouse activity level",
    "slot_seconds": "Activity slot length",
    "idle_threshold_seconds": "Idle after",
    "capture_apps": "Application in front",
    "capture_titles": "Window titles",
    "capture_urls": "Web addresses (URLs)",
    "screenshots_per_interval": "Screenshots per interval",
    "screenshot_interval_seconds": "Screenshot interval",
    "screenshot_blur": "Blur screenshots",
    "screenshot_quality": "Screenshot JPEG quality",
    "screenshot_max_width": "Screenshot maximum width",
    "private_apps": "Private apps",
}

#: The key in PolicyChange.changes for the fields managers may change (a company-level change).
BOUNDS = "managers_may_change"

SWITCHES = frozenset(
    name for name, kind in KINDS.items() if kind in (Kind.OFF_IS_LESS, Kind.ON_IS_LESS)
)
SECONDS = frozenset({"slot_seconds", "idle_threshold_seconds", "screenshot_interval_seconds"})
MAX_PRIVATE_APPS = int(WirePolicy.model_json_schema()["properties"]["private_apps"]["maxItems"])

assert set(FIELDS) == set(WirePolicy.model_fields) - {"version"} == set(KINDS) == set(LABELS)


def unite_apps(lists: Iterable[Sequence[str]]) -> list[str]:
    """The apps of every list, each once (the agent compares names case-insensitively), in the
    order first met. Cut at the agent's limit: a policy it refuses would protect nothing."""
    apps: list[str] = []
    seen: set[str] = set()
    for names in lists:
        for app in names:
            if app.casefold() not in seen:
                seen.add(app.casefold())
                apps.append(app)
    return apps[:MAX_PRIVATE_APPS]


def combine(name: str, values: Sequence[Any]) -> Any:
    """The value a member in several teams gets for `name`, from the values those teams set."""
    kind = KINDS[name]
    if kind is Kind.OFF_IS_LESS:
        return all(values)
    if kind is Kind.ON_IS_LESS:
        return any(values)
    if kind is Kind.LOWER_IS_LESS:
        return min(values)
    if kind is Kind.APPS:
        return unite_apps(values)
    return max(values)  # HIGHER_IS_LESS, and TIME_COUNTING: the longest


def collects_no_more(name: str, value: Any, bound: Any) -> bool:
    """Whether `value` collects no more than `bound` (a setting about how time is counted
    collects nothing either way)."""
    kind = KINDS[name]
    if kind is Kind.OFF_IS_LESS:
        return bool(not value or bound)
    if kind is Kind.ON_IS_LESS:
        return bool(value or not bound)
    if kind is Kind.LOWER_IS_LESS:
        return bool(value <= bound)
    if kind is Kind.HIGHER_IS_LESS:
        return bool(value >= bound)
    if kind is Kind.APPS:
        return {app.casefold() for app in bound} <= {app.casefold() for app in value}
    return True


def show(name: str, value: Any) -> str:
    """A value as a page shows it; None is a value inherited from above."""
    if value is None:
        return "inherits"
    if name in SWITCHES:
        return "on" if value else "off"
    if name in SECONDS:
        return duration_in_words(int(value))
    if name == "screenshot_max_width":
        return f"{value} px"
    if name == "private_apps":
        return ", ".join(value) if value else "none"
    return str(value)


def bound_in_words(name: str, bound: Any) -> str:
    """What a manager may choose for `name` when the company policy has `bound`."""
    kind = KINDS[name]
    shown = show(name, bound)
    if kind is Kind.OFF_IS_LESS:
        return "off only" if not bound else "on or off"
    if kind is Kind.ON_IS_LESS:
        return "on only" if bound else "on or off"
    if kind is Kind.LOWER_IS_LESS:
        return f"at most {shown}"
    if kind is Kind.HIGHER_IS_LESS:
        return f"at least {shown}"
    if kind is Kind.APPS:
        return f"at least the company's apps ({shown})"
    return "any value the agent accepts"
