"""The company's policy as this agent last fetched it (upload/policy_refresh.py fetches it), so
that it holds offline and every thread and process of the agent reads the same one."""

from __future__ import annotations

import logging

from worklens_agent.clock import to_text, utcnow
from worklens_agent.journal.store import Store, set_in
from worklens_agent.settings import Key
from worklens_wire.v1 import Policy

log = logging.getLogger(__name__)

#: Used until the server's policy has been fetched once: the wire model's defaults.
DEFAULT_POLICY = Policy(version=1)


def cached_policy(store: Store) -> Policy:
    raw = store.get(Key.POLICY)
    if raw is None:
        return DEFAULT_POLICY
    try:
        return Policy.model_validate(raw)
    except ValueError:
        log.warning("cached policy is unreadable; using defaults")
        return DEFAULT_POLICY


def save_policy(store: Store, policy: Policy) -> int | None:
    """Keep `policy` as fetched now; returns the version it replaces (None before the first)."""
    previous = store.get(Key.POLICY)
    with store.transaction() as conn:
        set_in(conn, Key.POLICY, policy.model_dump(mode="json"))
        set_in(conn, Key.POLICY_FETCHED_AT, to_text(utcnow()))
    return None if not isinstance(previous, dict) else previous.get("version")
