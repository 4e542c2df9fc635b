"""Writes for policies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F

from worklens_server.policies.models import Policy, PolicyAcknowledgement
from worklens_server.policies.plain_words import describe_policy
from worklens_server.policies.selectors import get_company_policy
from worklens_wire.v1 import Policy as WirePolicy

if TYPE_CHECKING:
    from worklens_server.companies.models import Company, Member

#: Policy fields a company may change (everything in the wire model except the version).
EDITABLE_FIELDS = frozenset(WirePolicy.model_fields) - {"version"}


def create_default_policy(*, company: Company, slot_seconds: int = 600) -> Policy:
    policy, _ = Policy.objects.get_or_create(
        company=company, defaults={"slot_seconds": slot_seconds}
    )
    return policy


@transaction.atomic
def update_policy(
    *, company: Company, expected_version: int | None = None, **changes: Any
) -> Policy:
    """Apply `changes` and bump the version when anything actually changed. The result is
    validated against the wire model first, so the server never serves a policy agents reject.

    With `expected_version` (the version the editor's form was based on) a policy someone else
    changed in the meantime is not silently overwritten: PolicyChanged is raised instead."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"unknown policy fields: {', '.join(sorted(unknown))}")
    policy = Policy.objects.select_for_update().get(company=company)
    if expected_version is not None and policy.version != expected_version:
        raise PolicyChanged(
            f"the policy was changed by someone else while you edited it (now version "
            f"{policy.version}); your changes were not saved, please check them again"
        )
    current = {name: getattr(policy, name) for name in EDITABLE_FIELDS}
    wanted = {**current, **changes}
    WirePolicy(version=policy.version + 1, **wanted)
    if wanted == current:
        return policy
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.version = F("version") + 1
    policy.save()
    policy.refresh_from_db()
    return policy


class PolicyChanged(Exception):
    """The policy changed after the person read it; they must read the new one."""


@transaction.atomic
def acknowledge_policy(*, member: Member, version: int) -> PolicyAcknowledgement:
    """Records that `member` read the policy at `version` (the version their page showed). A
    stale version is refused: acknowledging text they never saw would be worthless."""
    policy = Policy.objects.select_for_update().get(company_id=member.company_id)
    if policy.version != version:
        raise PolicyChanged(
            f"the policy changed while you were reading it (now version {policy.version}); "
            "please read it again"
        )
    shown = describe_policy(get_company_policy(company_id=member.company_id))
    acknowledgement, _ = PolicyAcknowledgement.objects.get_or_create(
        member=member,
        policy_version=version,
        defaults={"company_id": member.company_id, "shown": shown.as_record()},
    )
    return acknowledgement
