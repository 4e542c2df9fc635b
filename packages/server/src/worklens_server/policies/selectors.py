"""Reads for policies."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db.models import Subquery

from worklens_server.policies.models import Policy, PolicyAcknowledgement
from worklens_server.policies.plain_words import PolicyInPlainWords, describe_policy
from worklens_wire.v1 import Policy as WirePolicy


def get_company_policy(*, company_id: uuid.UUID) -> WirePolicy:
    policy = Policy.objects.get(company_id=company_id)
    return WirePolicy(
        version=policy.version,
        **{name: getattr(policy, name) for name in WirePolicy.model_fields if name != "version"},
    )


def get_effective_policy(*, member_id: uuid.UUID, company_id: uuid.UUID) -> WirePolicy:
    """The policy that applies to one member: what their agent is told to collect and what
    ingest stores of theirs. Today every member of a company has the company's policy."""
    return get_company_policy(company_id=company_id)


def get_policy_in_plain_words(*, company_id: uuid.UUID) -> PolicyInPlainWords:
    return describe_policy(get_company_policy(company_id=company_id))


def get_latest_acknowledgement(*, member_id: uuid.UUID) -> PolicyAcknowledgement | None:
    return (
        PolicyAcknowledgement.objects.filter(member_id=member_id)
        .order_by("-policy_version", "-acknowledged_at")
        .first()
    )


def has_acknowledged_current_policy(*, member_id: uuid.UUID, company_id: uuid.UUID) -> bool:
    current = Policy.objects.filter(company_id=company_id).values("version")[:1]
    return PolicyAcknowledgement.objects.filter(
        member_id=member_id, policy_version=Subquery(current)
    ).exists()


def preview_policy_in_plain_words(
    *, company_id: uuid.UUID, changes: Mapping[str, object]
) -> PolicyInPlainWords:
    """What members would read if `changes` were saved (nothing is saved). The version shown is
    the one saving would create: the next one, or the current one when nothing would change."""
    current = get_company_policy(company_id=company_id).model_dump()
    wanted = {**current, **changes}
    if wanted != current:
        wanted["version"] = current["version"] + 1
    return describe_policy(WirePolicy.model_validate(wanted))
