"""Reads for policies."""

from __future__ import annotations

import uuid

from worklens_server.policies.models import Policy
from worklens_wire.v1 import Policy as WirePolicy


def get_company_policy(*, company_id: uuid.UUID) -> WirePolicy:
    policy = Policy.objects.get(company_id=company_id)
    return WirePolicy(
        version=policy.version,
        **{name: getattr(policy, name) for name in WirePolicy.model_fields if name != "version"},
    )
