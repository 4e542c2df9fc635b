"""The company's policy: fetched at start and every 5 minutes, kept in the store so it holds
offline (journal/policy.py)."""

from __future__ import annotations

import logging

import httpx

from worklens_agent.journal.policy import cached_policy, save_policy
from worklens_agent.journal.store import Store
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_wire.v1 import Policy

log = logging.getLogger(__name__)

REFRESH_SECONDS = 300


def refresh_policy(store: Store, api: AgentApi) -> Policy:
    """Fetch and cache the policy. On failure, log it and keep what was cached."""
    try:
        policy = api.policy()
    except (httpx.HTTPError, ApiError) as exc:
        log.warning("policy fetch failed, keeping the cached one: %s", exc)
        return cached_policy(store)
    previous = save_policy(store, policy)
    if previous != policy.version:
        log.info("policy version %d in effect", policy.version)
    return policy
