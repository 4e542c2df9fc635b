"""Reads for policies: the company policy, the overrides, what applies to a member and whether
they acknowledged it, and who may change which team's or member's settings."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q

from worklens_server.companies.models import Member, Team, TeamMembership
from worklens_server.companies.selectors import (
    get_company_member,
    get_company_team,
    get_managed_team_ids,
)
from worklens_server.policies import rules
from worklens_server.policies.models import (
    Policy,
    PolicyAcknowledgement,
    PolicyOverride,
)
from worklens_server.policies.plain_words import PolicyInPlainWords, describe_policy
from worklens_server.policies.resolution import Resolved, TeamSettings, resolve
from worklens_wire.v1 import Policy as WirePolicy


def get_policy_row(*, company_id: uuid.UUID) -> Policy:
    return Policy.objects.get(company_id=company_id)


def wire_policy(row: Policy) -> WirePolicy:
    return WirePolicy(version=row.version, **{name: getattr(row, name) for name in rules.FIELDS})


def get_company_policy(*, company_id: uuid.UUID) -> WirePolicy:
    return wire_policy(get_policy_row(company_id=company_id))


def _teams_of(member_id: uuid.UUID) -> Q:
    return Q(team_id__in=TeamMembership.objects.filter(member_id=member_id).values("team_id"))


def _split(rows: Iterable[PolicyOverride]) -> tuple[list[TeamSettings], dict[str, object] | None]:
    teams = [TeamSettings(row.team.name, row.values()) for row in rows if row.team is not None]
    own = [row.values() for row in rows if row.member_id is not None]
    return teams, own[0] if own else None


def get_effective_resolution(*, member_id: uuid.UUID, company_id: uuid.UUID) -> Resolved:
    """What applies to one member, field by field, with where each value comes from. Two indexed
    reads: the company policy, then the member's own override and their teams' overrides."""
    company = get_company_policy(company_id=company_id)
    rows = PolicyOverride.objects.filter(company_id=company_id).filter(
        Q(member_id=member_id) | _teams_of(member_id)
    )
    teams, own = _split(rows.select_related("team"))
    return resolve(company=company, teams=teams, member=own)


def get_effective_policy(*, member_id: uuid.UUID, company_id: uuid.UUID) -> WirePolicy:
    """The policy that applies to one member: what their agent is told to collect and what
    ingest stores of theirs (member override > team overrides > company policy). Called once
    per ingest batch: two indexed reads."""
    return get_effective_resolution(member_id=member_id, company_id=company_id).policy


def get_effective_resolutions(
    *, member_ids: Iterable[uuid.UUID], company_id: uuid.UUID
) -> dict[uuid.UUID, Resolved]:
    """What applies to each of several members, in three reads whatever their number."""
    ids = list(member_ids)
    company = get_company_policy(company_id=company_id)
    team_ids: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for member_id, team_id in TeamMembership.objects.filter(
        member_id__in=ids, team__company_id=company_id
    ).values_list("member_id", "team_id"):
        team_ids[member_id].append(team_id)
    all_team_ids = {team_id for teams in team_ids.values() for team_id in teams}
    rows = PolicyOverride.objects.filter(company_id=company_id).filter(
        Q(member_id__in=ids) | Q(team_id__in=all_team_ids)
    )
    by_team: dict[uuid.UUID, TeamSettings] = {}
    by_member: dict[uuid.UUID, dict[str, object]] = {}
    for row in rows.select_related("team"):
        if row.team is not None:
            by_team[row.team.pk] = TeamSettings(row.team.name, row.values())
        elif row.member_id is not None:
            by_member[row.member_id] = row.values()
    return {
        member_id: resolve(
            company=company,
            teams=[by_team[t] for t in team_ids[member_id] if t in by_team],
            member=by_member.get(member_id),
        )
        for member_id in ids
    }


def get_override(
    *, team: Team | None = None, member: Member | None = None
) -> PolicyOverride | None:
    if team is not None:
        return PolicyOverride.objects.filter(team=team).first()
    return PolicyOverride.objects.filter(member=member).first()


@dataclass(frozen=True)
class ScopeSettings:
    """One team's or one member's settings, with what they inherit."""

    company: WirePolicy
    bounds: list[str]
    team: Team | None
    member: Member | None
    #: For a member: the settings of their teams that have any.
    teams: list[TeamSettings]
    #: The fields this team or member sets, and the version of their last change.
    current: dict[str, object]
    changed_in_version: int

    def inherited(self) -> Resolved:
        """What applies without this scope's settings: the company policy for a team, the
        member's teams' settings and the company policy for a member."""
        return resolve(company=self.company, teams=self.teams)

    def applied(self, values: Mapping[str, object] | None = None) -> Resolved:
        """What applies with `values` (the current settings by default) as this scope's: to the
        member, or to a member who is only in the team and has no settings of their own."""
        values = self.current if values is None else values
        if self.team is not None:
            teams = [TeamSettings(self.team.name, values)] if values else []
            return resolve(company=self.company, teams=teams)
        return resolve(company=self.company, teams=self.teams, member=values or None)


def get_scope_settings(*, team: Team | None = None, member: Member | None = None) -> ScopeSettings:
    subject: Team | Member = team if team is not None else member  # type: ignore[assignment]
    row = get_policy_row(company_id=subject.company_id)
    teams: list[TeamSettings] = []
    if member is not None:
        rows = PolicyOverride.objects.filter(company_id=member.company_id).filter(
            _teams_of(member.pk)
        )
        teams, _ = _split(rows.select_related("team"))
    own = get_override(team=team, member=member)
    return ScopeSettings(
        company=wire_policy(row),
        bounds=list(row.managers_may_change),
        team=team,
        member=member,
        teams=teams,
        current=own.values() if own is not None else {},
        changed_in_version=own.changed_in_version if own is not None else 0,
    )


def get_member_inherited(*, member: Member) -> Resolved:
    """What would apply to `member` without their own settings: their teams', else the
    company's."""
    return get_scope_settings(member=member).inherited()


@dataclass(frozen=True)
class OverrideListing:
    """A team or member with settings of their own: each as "label: value"."""

    team: Team | None
    member: Member | None
    fields: list[str]


def list_overrides(*, company_id: uuid.UUID) -> list[OverrideListing]:
    """Every team and member of the company with settings of their own, teams first."""
    rows = (
        PolicyOverride.objects.filter(company_id=company_id)
        .select_related("team", "member__user")
        .order_by("member_id", "team__name")
    )
    listed = [
        OverrideListing(
            row.team,
            row.member,
            [
                f"{rules.LABELS[name]}: {rules.show(name, value)}"
                for name, value in row.values().items()
            ],
        )
        for row in rows
    ]
    return sorted(
        listed,
        key=lambda o: (o.member is not None, (o.team.name if o.team else "").casefold()),
    )


def list_member_teams(*, member: Member) -> list[Team]:
    return list(Team.objects.filter(memberships__member=member).order_by("name"))


# --- who may change what ---------------------------------------------------------------------


def manages_team(*, viewer: Member, team_id: uuid.UUID) -> bool:
    return get_managed_team_ids(viewer=viewer).filter(team_id=team_id).exists()


def manages_member(*, viewer: Member, member_id: uuid.UUID) -> bool:
    """Whether `viewer` manages a team `member_id` is in."""
    return TeamMembership.objects.filter(
        member_id=member_id, team_id__in=get_managed_team_ids(viewer=viewer)
    ).exists()


def get_team_in_policy_reach(*, viewer: Member, team_id: uuid.UUID) -> Team | None:
    """The team whose policy `viewer` may open: any team of their company for an owner, a team
    they manage for a manager."""
    team = get_company_team(company_id=viewer.company_id, team_id=team_id)
    if team is None or viewer.role == Member.Role.OWNER:
        return team
    return team if manages_team(viewer=viewer, team_id=team.pk) else None


def get_member_in_policy_reach(*, viewer: Member, member_id: uuid.UUID) -> Member | None:
    """The member whose policy `viewer` may open: anyone in the company for an owner; for a
    manager, the members of the teams they manage and themselves (to read, not to change)."""
    member = get_company_member(company_id=viewer.company_id, member_id=member_id)
    if member is None or viewer.role == Member.Role.OWNER or member.pk == viewer.pk:
        return member
    return member if manages_member(viewer=viewer, member_id=member.pk) else None


def fields_actor_may_change(
    *, actor: Member | None, bounds: Iterable[str], member: Member | None = None
) -> frozenset[str]:
    """Fields `actor` may change in a team's or member's settings (reach aside): all for an
    owner (or an operator's command, actor None), those the owner allows for a manager, but
    none of their own settings."""
    if actor is None or actor.role == Member.Role.OWNER:
        return frozenset(rules.FIELDS)
    if actor.role != Member.Role.MANAGER or (member is not None and member.pk == actor.pk):
        return frozenset()
    return frozenset(bounds) & frozenset(rules.FIELDS)


# --- acknowledgement -------------------------------------------------------------------------


def get_policy_in_plain_words(
    *, company_id: uuid.UUID, team_id: uuid.UUID | None = None
) -> PolicyInPlainWords:
    """What will apply to someone joining, in plain words: the company policy, with the
    settings of the team they join (an invitation names at most one) on top."""
    company = get_company_policy(company_id=company_id)
    if team_id is None:
        return describe_policy(company)
    rows = PolicyOverride.objects.filter(company_id=company_id, team_id=team_id)
    teams, _ = _split(rows.select_related("team"))
    return describe_policy(resolve(company=company, teams=teams).policy)


def get_latest_acknowledgement(*, member_id: uuid.UUID) -> PolicyAcknowledgement | None:
    return (
        PolicyAcknowledgement.objects.filter(member_id=member_id)
        .order_by("-policy_version", "-acknowledged_at")
        .first()
    )


@dataclass(frozen=True)
class PolicyStatus:
    """What applies to a member, in plain words, and whether they acknowledged exactly that."""

    resolved: Resolved
    words: PolicyInPlainWords
    latest: PolicyAcknowledgement | None

    @property
    def acknowledged(self) -> bool:
        return self.latest is not None and self.latest.digest == self.resolved.digest


def get_policy_status(*, member_id: uuid.UUID, company_id: uuid.UUID) -> PolicyStatus:
    resolved = get_effective_resolution(member_id=member_id, company_id=company_id)
    return PolicyStatus(
        resolved=resolved,
        words=describe_policy(resolved.policy),
        latest=get_latest_acknowledgement(member_id=member_id),
    )


def has_acknowledged_current_policy(*, member_id: uuid.UUID, company_id: uuid.UUID) -> bool:
    """Whether the member's latest acknowledgement is of what applies to them now. A change
    elsewhere in the company (another team, another member) moves the version number but not
    what applies to them, so it does not ask them again."""
    return get_policy_status(member_id=member_id, company_id=company_id).acknowledged


def preview_policy_in_plain_words(
    *, company_id: uuid.UUID, changes: Mapping[str, object]
) -> PolicyInPlainWords:
    """What members without overrides would read if `changes` were saved (nothing is saved).
    The version shown is the one saving would create: the next one, or the current one when
    nothing would change."""
    current = get_company_policy(company_id=company_id).model_dump()
    wanted = {**current, **changes}
    if wanted != current:
        wanted["version"] = current["version"] + 1
    return describe_policy(WirePolicy.model_validate(wanted))
