"""The company's policy: fetched at start and every 5 minutes, cached so it holds offline."""

from __future__ import annotations

import logging

import httpx

from worklens_agent.client import AgentApi, ApiError
from worklens_agent.store import Store, to_text, utcnow
from worklens_wire.v1 import Policy

log = logging.getLogger(__name__)

REFRESH_SECONDS = 300
#: Used until the server's policy has been fetched once: the wire model's defaults.
DEFAULT_POLICY = Policy(version=1)


def cached_policy(store: Store) -> Policy:
    raw = store.get("policy")
    if raw is None:
        return DEFAULT_POLICY
    try:
        return Policy.model_validate(raw)
    except ValueError:
        log.warning("cached policy is unreadable; using defaults")
        return DEFAULT_POLICY


def refresh_policy(store: Store, api: AgentApi) -> Policy:
    """Fetch and cache the policy. On failure, log it and keep what was cached."""
    try:
        policy = api.policy()
    except (httpx.HTTPError, ApiError) as exc:
        log.warning("policy fetch failed, keeping the cached one: %s", exc)
        return cached_policy(store)
    previous = store.get("policy")
    store.set("policy", policy.model_dump(mode="json"))
    store.set("policy_fetched_at", to_text(utcnow()))
    if previous is None or previous.get("version") != policy.version:
        log.info("policy version %d in effect", policy.version)
    return policy
