"""The policy that applies to one member, from the company policy and the overrides above it.

Per field: the member's own setting, else what the member's teams set (combined by
`rules.combine` when several teams set it: the value that collects least), else the company
policy. Pure: the selectors read the rows, this module decides.

`digest` fingerprints what a policy tells the agent, version aside: a member is asked to
acknowledge again when the digest of what applies to them differs from the one they
acknowledged, not whenever the company's version number moves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from worklens_server.policies import rules
from worklens_wire.v1 import Policy as WirePolicy

COMPANY = "company"
TEAM = "team"
MEMBER = "member"


@dataclass(frozen=True)
class Source:
    """Where a field's value comes from: the company policy, one or more teams, the member."""

    kind: str
    teams: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind == COMPANY:
            return "company policy"
        if self.kind == MEMBER:
            return "own setting"
        if len(self.teams) == 1:
            return f"team {self.teams[0]}"
        return "teams " + ", ".join(self.teams[:-1]) + f" and {self.teams[-1]}"


@dataclass(frozen=True)
class TeamSettings:
    """The fields one team overrides (absent fields inherit)."""

    name: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    value: str
    source: Source


@dataclass(frozen=True)
class Resolved:
    policy: WirePolicy
    sources: Mapping[str, Source]

    @property
    def digest(self) -> str:
        return digest(self.policy)

    def rows(self) -> list[FieldRow]:
        """Each field with its value and where it comes from, as the pages list them."""
        values = self.policy.model_dump()
        return [
            FieldRow(name, rules.LABELS[name], rules.show(name, values[name]), self.sources[name])
            for name in rules.FIELDS
        ]


def _same(name: str, value: Any, result: Any) -> bool:
    if name == "private_apps":
        return True  # united: every team's list is part of the result
    return bool(value == result)


def resolve(
    *,
    company: WirePolicy,
    teams: Sequence[TeamSettings] = (),
    member: Mapping[str, Any] | None = None,
) -> Resolved:
    """What applies to a member of `teams` with `member` as their own settings. The version is
    the company's: one counter, bumped by every change at any level."""
    values = company.model_dump()
    sources: dict[str, Source] = {name: Source(COMPANY) for name in rules.FIELDS}
    ordered = sorted(teams, key=lambda team: team.name.casefold())
    for name in rules.FIELDS:
        if member is not None and name in member:
            values[name] = member[name]
            sources[name] = Source(MEMBER)
            continue
        setting = [(team.name, team.values[name]) for team in ordered if name in team.values]
        if setting:
            result = rules.combine(name, [value for _, value in setting])
            values[name] = result
            winners = tuple(team for team, value in setting if _same(name, value, result))
            sources[name] = Source(TEAM, winners)
    return Resolved(policy=WirePolicy.model_validate(values), sources=sources)


def digest(policy: WirePolicy) -> str:
    """A fingerprint of everything the policy tells the agent except its version number."""
    fields = policy.model_dump(exclude={"version"})
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
