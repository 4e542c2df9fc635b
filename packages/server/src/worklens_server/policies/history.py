"""Reads of the policy history: every version of a company's policy, who made it, at which
level, and what changed, as the pages show it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from worklens_server.companies.models import Member, Team, TeamMembership
from worklens_server.policies import rules
from worklens_server.policies.models import PolicyChange


@dataclass(frozen=True)
class ChangedField:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    changed_at: dt.datetime
    who: str
    role: str
    scope: str
    fields: list[ChangedField]


def _bounds_in_words(names: object) -> str:
    chosen = [
        rules.LABELS[name] for name in rules.FIELDS if isinstance(names, list) and name in names
    ]
    return ", ".join(chosen) if chosen else "nothing"


def _changed_fields(changes: Mapping[str, list[object]]) -> list[ChangedField]:
    fields = []
    for name in (*rules.FIELDS, rules.BOUNDS):
        if name not in changes:
            continue
        before, after = changes[name]
        if name == rules.BOUNDS:
            fields.append(
                ChangedField(
                    "Managers may change", _bounds_in_words(before), _bounds_in_words(after)
                )
            )
        else:
            fields.append(
                ChangedField(rules.LABELS[name], rules.show(name, before), rules.show(name, after))
            )
    return fields


def _scope(change: PolicyChange, about: Member | None) -> str:
    if change.scope == PolicyChange.Scope.COMPANY:
        return "company policy"
    if change.scope == PolicyChange.Scope.TEAM:
        return f"team {change.team_name}" + (" (deleted)" if change.team_id is None else "")
    if about is not None and change.member_id == about.pk:
        return "own settings"
    return f"own settings of {change.member.user.display_name}" if change.member else "a member"


def _entries(
    changes: QuerySet[PolicyChange], about: Member | None, limit: int, offset: int = 0
) -> list[HistoryEntry]:
    rows = changes.select_related("actor__user", "member__user").order_by("-version")
    return [
        HistoryEntry(
            version=change.version,
            changed_at=change.changed_at,
            who=change.actor.user.display_name if change.actor else _no_actor(change),
            role=Member.Role(change.actor_role).label if change.actor_role else "",
            scope=_scope(change, about),
            fields=_changed_fields(change.changes),
        )
        for change in rows[offset : offset + limit]
    ]


def _no_actor(change: PolicyChange) -> str:
    """A change without an actor: made by someone whose account is gone, or by WorkLens itself
    (a team deleted, a command run by the server's operator)."""
    return "a deleted account" if change.actor_role else "WorkLens"


def list_policy_history(
    *,
    company_id: uuid.UUID,
    team: Team | None = None,
    member: Member | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[HistoryEntry]:
    """The company's policy changes, newest first: all of them, or one team's or one member's
    own settings."""
    changes = PolicyChange.objects.filter(company_id=company_id)
    if team is not None:
        changes = changes.filter(team=team)
    if member is not None:
        changes = changes.filter(member=member)
    return _entries(changes, about=member, limit=limit, offset=offset)


def list_policy_history_about(*, member: Member, limit: int = 50) -> list[HistoryEntry]:
    """The changes that concern `member`, newest first: of the company policy, of the teams they
    are in, and of their own settings. Nobody else's own settings."""
    teams = TeamMembership.objects.filter(member_id=member.pk).values("team_id")
    changes = PolicyChange.objects.filter(company_id=member.company_id).filter(
        Q(scope=PolicyChange.Scope.COMPANY) | Q(member=member) | Q(team_id__in=teams)
    )
    return _entries(changes, about=member, limit=limit)
