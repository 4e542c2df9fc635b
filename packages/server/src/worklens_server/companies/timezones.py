"""The time zones a company or a person may choose: the IANA names this Python knows."""

from __future__ import annotations

import functools
import zoneinfo


@functools.cache
def timezone_names() -> frozenset[str]:
    # Zones only: the "posixrules" link and the like are not places people live.
    return frozenset(
        name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"
    )


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]


def is_known_timezone(name: str) -> bool:
    return name in timezone_names()
