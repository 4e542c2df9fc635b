"""Is a newer agent available? Asked of the server at start and once a day.

The answer is kept in the store under `Key.UPDATE_AVAILABLE` as
`{"latest_version": ..., "download_url": ...}` (the tray and `status` show it) and the key is
removed when this agent is current. The agent never downloads or installs anything itself.
"""

from __future__ import annotations

import logging
import re

from worklens_agent import __version__
from worklens_agent.clock import to_text, utcnow
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_agent.upload.client import AgentApi
from worklens_wire.v1 import VersionInfo

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 24 * 3600


def _numeric_parts(version: str) -> tuple[int, ...]:
    """ "1.10.2rc1" -> (1, 10, 2): the leading dotted numbers, trailing zeros dropped."""
    parts = []
    for piece in version.strip().lstrip("vV").split("."):
        match = re.match(r"\d+", piece)
        if match is None:
            break
        parts.append(int(match.group()))
        if match.end() < len(piece):  # "2rc1": the number counts, the rest ends the release
            break
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def is_newer(candidate: str, current: str) -> bool:
    """PEP 440 order when `packaging` is installed (pre-releases sort before their release);
    otherwise, or for a version it cannot read, the numeric parts compared as tuples."""
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:
        return _numeric_parts(candidate) > _numeric_parts(current)
    try:
        return Version(candidate) > Version(current)
    except InvalidVersion:
        return _numeric_parts(candidate) > _numeric_parts(current)


def record_version_info(store: Store, info: VersionInfo, current: str = __version__) -> bool:
    """Store or clear `update_available`; True when an update is available."""
    store.set(Key.UPDATE_CHECKED_AT, to_text(utcnow()))
    if is_newer(info.latest_agent_version, current):
        store.set(
            Key.UPDATE_AVAILABLE,
            {"latest_version": info.latest_agent_version, "download_url": info.agent_download_url},
        )
        log.info("agent %s is available (this is %s)", info.latest_agent_version, current)
        return True
    store.delete(Key.UPDATE_AVAILABLE)
    return False


def check_for_update(store: Store, api: AgentApi) -> bool:
    """Ask the server; errors propagate, so the caller decides when to try again."""
    return record_version_info(store, api.version())
