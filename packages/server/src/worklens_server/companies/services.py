"""Writes for companies, members, teams, projects and tasks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from worklens_server.accounts.models import User
from worklens_server.companies.details import check_company_details
from worklens_server.companies.models import Company, Member, Project, Task, Team, TeamMembership
from worklens_server.policies.services import create_default_policy


@transaction.atomic
def create_company(
    *,
    name: str,
    owner: User,
    timezone: str = "UTC",
    slot_seconds: int = 600,
    address: str = "",
    phone: str = "",
    country: str = "",
    vat_number: str = "",
) -> Company:
    """A company, its owner and its policy: a company never exists without either."""
    company = Company.objects.create(
        name=name,
        timezone=timezone,
        address=address,
        phone=phone,
        country=country,
        vat_number=vat_number,
    )
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


@transaction.atomic
def register_company(
    *, owner: User, name: str, address: str, phone: str, country: str, vat_number: str
) -> Company:
    """The second step of signing up: the person who signed up founds a company and owns it."""
    if Member.objects.filter(user=owner).exists():
        raise ValidationError("You already belong to a company.")
    details = check_company_details(
        name=name, address=address, phone=phone, country=country, vat_number=vat_number
    )
    return create_company(
        name=details.name,
        owner=owner,
        address=details.address,
        phone=details.phone,
        country=details.country,
        vat_number=details.vat_number,
    )


@transaction.atomic
def update_company_settings(
    *,
    company: Company,
    name: str,
    address: str,
    phone: str,
    country: str,
    vat_number: str,
    require_manager_2fa: bool,
) -> Company:
    details = check_company_details(
        name=name, address=address, phone=phone, country=country, vat_number=vat_number
    )
    company.name = details.name
    company.address = details.address
    company.phone = details.phone
    company.country = details.country
    company.vat_number = details.vat_number
    company.require_manager_2fa = require_manager_2fa
    company.save(
        update_fields=["name", "address", "phone", "country", "vat_number", "require_manager_2fa"]
    )
    return company
