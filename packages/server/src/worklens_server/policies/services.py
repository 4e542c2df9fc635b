"""Writes for policies: the company policy and what managers may change, the team and member
overrides, and acknowledgements.

Every write that changes anything takes the next number of the company's counter
(Policy.version) under a lock on the company's policy row, and records a PolicyChange with who,
when and what changed. Who may change what:

- owners (and a command run by the server's operator, actor None): the company policy and the
  settings of every team and member;
- managers: the settings of the teams they manage and of those teams' members (not their own),
  only the fields the owner allows (Policy.managers_may_change), and only toward collecting no
  more than the company policy (rules.collects_no_more; inheriting counts as the value then
  inherited);
- employees: nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F

from worklens_server.policies import rules
from worklens_server.policies.models import (
    Policy,
    PolicyAcknowledgement,
    PolicyChange,
    PolicyOverride,
)
from worklens_server.policies.plain_words import describe_policy
from worklens_server.policies.selectors import (
    fields_actor_may_change,
    get_effective_resolution,
    get_member_inherited,
    manages_member,
    manages_team,
    wire_policy,
)
from worklens_wire.v1 import Policy as WirePolicy

if TYPE_CHECKING:
    from worklens_server.companies.models import Company, Member, Team

#: Policy fields a company may change (everything in the wire model except the version).
EDITABLE_FIELDS = frozenset(rules.FIELDS)
OWNER = "owner"
MANAGER = "manager"


class PolicyChanged(Exception):
    """The policy changed after the person read it; they must read the new one."""


class PolicyChangeRefused(Exception):
    """The person may not make this change; the message says why."""


def create_default_policy(*, company: Company, slot_seconds: int = 600) -> Policy:
    policy, _ = Policy.objects.get_or_create(
        company=company, defaults={"slot_seconds": slot_seconds}
    )
    return policy


def _lock(company_id: uuid.UUID) -> Policy:
    """The company's policy row, locked: every policy write of a company takes turns here."""
    return Policy.objects.select_for_update().get(company_id=company_id)


def _next_version(policy: Policy, *, company_level: bool = False) -> int:
    policy.version = F("version") + 1
    fields = ["version"]
    if company_level:
        policy.changed_in_version = F("version") + 1
        fields += ["changed_in_version", *EDITABLE_FIELDS, "managers_may_change", "updated_at"]
    policy.save(update_fields=fields)
    policy.refresh_from_db()
    return policy.version


def _record(
    policy: Policy,
    actor: Member | None,
    changes: dict[str, list[Any]],
    *,
    team: Team | None = None,
    member: Member | None = None,
    team_name: str = "",
) -> PolicyChange:
    scope = PolicyChange.Scope.COMPANY
    if team is not None or team_name:
        scope = PolicyChange.Scope.TEAM
    elif member is not None:
        scope = PolicyChange.Scope.MEMBER
    return PolicyChange.objects.create(
        company_id=policy.company_id,
        version=policy.version,
        actor=actor,
        actor_role=actor.role if actor is not None else "",
        scope=scope,
        team=team,
        team_name=team.name if team is not None else team_name,
        member=member,
        changes=changes,
    )


def _unknown(names: Collection[str]) -> None:
    unknown = set(names) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"unknown policy fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def update_policy(
    *,
    company: Company,
    expected_version: int | None = None,
    actor: Member | None = None,
    managers_may_change: Collection[str] | None = None,
    **changes: Any,
) -> Policy:
    """Apply `changes` to the company policy (and, when given, the fields managers may change)
    and take a new version when anything actually changed. The result is validated against the
    wire model first, so the server never serves a policy agents reject.

    With `expected_version` (the version the editor's form was based on) a company policy someone
    else changed in the meantime is not silently overwritten: PolicyChanged is raised instead.
    Changes to teams' and members' settings since then do not count: they are other forms."""
    _unknown(changes)
    _unknown(managers_may_change or ())
    if actor is not None and (actor.role != OWNER or actor.company_id != company.pk):
        raise PolicyChangeRefused("Only an owner of the company changes the company policy.")
    policy = _lock(company.pk)
    if expected_version is not None and policy.changed_in_version > expected_version:
        raise PolicyChanged(
            f"the policy was changed by someone else while you edited it (now version "
            f"{policy.version}); your changes were not saved, please check them again"
        )
    current = {name: getattr(policy, name) for name in rules.FIELDS}
    wanted = {**current, **changes}
    WirePolicy(version=policy.version + 1, **wanted)
    diff = {
        name: [current[name], wanted[name]]
        for name in rules.FIELDS
        if current[name] != wanted[name]
    }
    if managers_may_change is not None:
        bounds = [name for name in rules.FIELDS if name in set(managers_may_change)]
        if bounds != list(policy.managers_may_change):
            diff[rules.BOUNDS] = [list(policy.managers_may_change), bounds]
            policy.managers_may_change = bounds
    if not diff:
        return policy
    for name, value in changes.items():
        setattr(policy, name, value)
    _next_version(policy, company_level=True)
    _record(policy, actor, diff)
    return policy


def _check_actor(
    *,
    actor: Member | None,
    policy: Policy,
    team: Team | None,
    member: Member | None,
    wanted: Mapping[str, Any],
    diff: Mapping[str, list[Any]],
) -> None:
    """Raises PolicyChangeRefused unless `actor` may change the fields in `diff` to `wanted`."""
    if actor is None:
        return
    if actor.company_id != policy.company_id:
        raise PolicyChangeRefused("You are not a member of this company.")
    if actor.role == OWNER:
        return
    if actor.role != MANAGER:
        raise PolicyChangeRefused("Only owners and team managers change collection settings.")
    if team is not None and not manages_team(viewer=actor, team_id=team.pk):
        raise PolicyChangeRefused(f"You do not manage the team {team.name}.")
    if member is not None and member.pk == actor.pk:
        raise PolicyChangeRefused("You cannot change your own collection settings; an owner can.")
    if member is not None and not manages_member(viewer=actor, member_id=member.pk):
        raise PolicyChangeRefused(f"{member.user.display_name} is not in a team you manage.")
    allowed = fields_actor_may_change(actor=actor, bounds=policy.managers_may_change)
    refused = [rules.LABELS[name] for name in rules.FIELDS if name in diff and name not in allowed]
    if refused:
        may = [rules.LABELS[name] for name in rules.FIELDS if name in allowed]
        raise PolicyChangeRefused(
            f"Managers may not change {', '.join(refused)}: the owner allows managers to change "
            f"{', '.join(may) if may else 'nothing'} (on the company policy page)."
        )
    company = wire_policy(policy)
    inherited = company if member is None else get_member_inherited(member=member).policy
    for name in rules.FIELDS:
        if name not in diff:
            continue
        value = wanted[name] if name in wanted else getattr(inherited, name)
        bound = getattr(company, name)
        if not rules.collects_no_more(name, value, bound):
            how = "" if name in wanted else " (inherited from their teams)"
            raise PolicyChangeRefused(
                f"Managers may only collect less than the company policy, never more: "
                f"{rules.LABELS[name]} would be {rules.show(name, value)}{how}, and the company "
                f"policy has {rules.show(name, bound)}; a manager may choose "
                f"{rules.bound_in_words(name, bound)}."
            )


@transaction.atomic
def set_policy_override(
    *,
    actor: Member | None,
    changes: Mapping[str, Any],
    team: Team | None = None,
    member: Member | None = None,
    expected_version: int | None = None,
) -> PolicyChange | None:
    """Change the settings of one team or one member: each field in `changes` gets its value,
    or inherits again when the value is None (fields not named stay as they are). Returns the
    new version's record, or None when nothing changed.

    With `expected_version` (the version the editor's form was based on) settings someone else
    changed in the meantime are not silently overwritten: PolicyChanged is raised instead."""
    if (team is None) == (member is None):
        raise ValueError("set_policy_override takes a team or a member")
    _unknown(changes)
    subject: Team | Member = team if team is not None else member  # type: ignore[assignment]
    policy = _lock(subject.company_id)
    rows = PolicyOverride.objects.select_for_update()
    row = (rows.filter(team=team) if team is not None else rows.filter(member=member)).first()
    if (
        expected_version is not None
        and row is not None
        and row.changed_in_version > expected_version
    ):
        raise PolicyChanged(
            f"these settings were changed by someone else while you edited them (now version "
            f"{policy.version}); your changes were not saved, please check them again"
        )
    current = row.values() if row is not None else {}
    wanted = dict(current)
    for name, value in changes.items():
        if value is None:
            wanted.pop(name, None)
        else:
            wanted[name] = list(value) if name == "private_apps" else value
    diff = {
        name: [current.get(name), wanted.get(name)]
        for name in rules.FIELDS
        if current.get(name) != wanted.get(name)
    }
    if not diff:
        return None
    WirePolicy.model_validate({**wire_policy(policy).model_dump(), **wanted})
    _check_actor(actor=actor, policy=policy, team=team, member=member, wanted=wanted, diff=diff)
    version = _next_version(policy)
    if wanted:
        if row is None:
            row = PolicyOverride(company_id=policy.company_id, team=team, member=member)
        for name in rules.FIELDS:
            setattr(row, name, wanted.get(name))
        row.changed_in_version = version
        row.save()
    elif row is not None:
        row.delete()
    return _record(policy, actor, diff, team=team, member=member)


def record_team_settings_gone(*, override: PolicyOverride, team_name: str) -> None:
    """A team with settings of its own was deleted: what applied to its members changed, so a
    new version says so (by WorkLens: the person who deleted the team is not known here)."""
    policy = Policy.objects.select_for_update().filter(company_id=override.company_id).first()
    if policy is None:
        return
    _next_version(policy)
    changes = {name: [value, None] for name, value in override.values().items()}
    _record(policy, None, changes, team_name=team_name)


def bump_version(*, company_id: uuid.UUID) -> None:
    """A new version number without a change of settings: someone joined or left a team with
    settings of its own, so what applies to them changed and their agent must see a new one."""
    Policy.objects.filter(company_id=company_id).update(version=F("version") + 1)


@transaction.atomic
def acknowledge_policy(
    *, member: Member, version: int, digest: str | None = None
) -> PolicyAcknowledgement:
    """Records that `member` read what applies to them: the version their page showed, or, with
    `digest`, exactly that policy (so a change elsewhere in the company since they opened the
    page does not refuse them). What changed for them meanwhile is refused: acknowledging text
    they never saw would be worthless."""
    policy = _lock(member.company_id)
    resolved = get_effective_resolution(member_id=member.pk, company_id=member.company_id)
    if version != policy.version and digest != resolved.digest:
        raise PolicyChanged(
            f"the policy changed while you were reading it (now version {policy.version}); "
            "please read it again"
        )
    shown = describe_policy(resolved.policy)
    acknowledgement, _ = PolicyAcknowledgement.objects.get_or_create(
        member=member,
        policy_version=policy.version,
        defaults={
            "company_id": member.company_id,
            "shown": shown.as_record(),
            "digest": resolved.digest,
        },
    )
    return acknowledgement
