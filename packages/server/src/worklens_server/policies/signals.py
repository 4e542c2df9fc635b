"""Team membership changes that change what applies to a member.

Joining or leaving a team with settings of its own changes the member's policy without any
policy write, and so does deleting such a team. The teams and members pages belong to the
companies app, which knows nothing of policies; these receivers keep the rule that the version
an agent gets goes up whenever what applies to its member changes.

Deletions that take the member (or their account) or the whole company with them change nothing
anyone will read, and write nothing: a row added in the middle of a company's deletion would
outlive it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from worklens_server.accounts.models import User
from worklens_server.companies.models import Company, Member, Team, TeamMembership
from worklens_server.policies.models import PolicyOverride
from worklens_server.policies.services import bump_version, record_team_settings_gone


def _origin_model(origin: Any) -> type | None:
    if isinstance(origin, QuerySet):
        return origin.model
    return type(origin) if origin is not None else None


def _team_changed(team_id: Any) -> None:
    company_id = (
        PolicyOverride.objects.filter(team_id=team_id).values_list("company_id", flat=True).first()
    )
    if company_id is not None:
        bump_version(company_id=company_id)


def membership_saved(sender: Any, instance: TeamMembership, created: bool, **kwargs: Any) -> None:
    if created:
        _team_changed(instance.team_id)


def membership_deleted(sender: Any, instance: TeamMembership, **kwargs: Any) -> None:
    # A deleted team's settings go with it: override_deleted records that once for everyone.
    if _origin_model(kwargs.get("origin")) not in (Company, User, Member, Team):
        _team_changed(instance.team_id)


def override_deleted(sender: Any, instance: PolicyOverride, **kwargs: Any) -> None:
    origin = kwargs.get("origin")
    if instance.team_id is None or _origin_model(origin) is not Team:
        return
    name = origin.name if isinstance(origin, Team) else ""
    if not name:
        name = Team.objects.filter(pk=instance.team_id).values_list("name", flat=True).first() or ""
    record_team_settings_gone(override=instance, team_name=name or "(no name)")


def connect() -> None:
    post_save.connect(membership_saved, sender=TeamMembership, dispatch_uid="policies.joined")
    post_delete.connect(membership_deleted, sender=TeamMembership, dispatch_uid="policies.left")
    post_delete.connect(override_deleted, sender=PolicyOverride, dispatch_uid="policies.team_gone")
