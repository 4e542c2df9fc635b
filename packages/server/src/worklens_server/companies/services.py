"""Writes for companies, members, teams, projects and tasks."""

from __future__ import annotations

from django.db import transaction

from worklens_server.accounts.models import User
from worklens_server.companies.models import Company, Member, Project, Task, Team, TeamMembership
from worklens_server.policies.services import create_default_policy


@transaction.atomic
def create_company(
    *, name: str, owner: User, timezone: str = "UTC", slot_seconds: int = 600
) -> Company:
    """A company, its owner and its policy: a company never exists without either."""
    company = Company.objects.create(name=name, timezone=timezone)
    Member.objects.create(company=company, user=owner, role=Member.Role.OWNER)
    create_default_policy(company=company, slot_seconds=slot_seconds)
    return company


def add_member(*, company: Company, user: User, role: str) -> Member:
    member, _ = Member.objects.get_or_create(company=company, user=user, defaults={"role": role})
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member


def create_team(*, company: Company, name: str) -> Team:
    team, _ = Team.objects.get_or_create(company=company, name=name)
    return team


def add_team_member(*, team: Team, member: Member, is_manager: bool = False) -> TeamMembership:
    if member.company_id != team.company_id:
        raise ValueError("a team holds only members of its own company")
    membership, _ = TeamMembership.objects.update_or_create(
        team=team, member=member, defaults={"is_manager": is_manager}
    )
    return membership


def create_project(*, company: Company, name: str, task_names: list[str] | None = None) -> Project:
    project, _ = Project.objects.get_or_create(company=company, name=name)
    for task_name in task_names or []:
        Task.objects.get_or_create(project=project, name=task_name)
    return project
