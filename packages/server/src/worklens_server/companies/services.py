"""Writes for companies, members and teams.

The `*_by` functions are the dashboard's actions: they take the acting member and refuse with
PermissionRefused (a message the page shows) when the actor may not do it. Callers look the
target up in the actor's company first, so another company's objects never reach them.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from worklens_server.accounts.models import User
from worklens_server.companies.currencies import currency_for_country, is_known_currency
from worklens_server.companies.details import check_company_details
from worklens_server.companies.models import (
    Company,
    FirstWeekday,
    Member,
    Team,
    TeamMembership,
)
from worklens_server.companies.timezones import is_known_timezone
from worklens_server.policies.services import create_default_policy
from worklens_server.tracking.blobs import delete_images_after_commit, stored_image_names
from worklens_server.tracking.models import Screenshot


class PermissionRefused(Exception):
    """The acting member may not do this; the message says why."""


class InvalidChange(Exception):
    """The change is not possible as asked (a duplicate name, the last owner...)."""


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
    currency: str = "",
) -> Company:
    """A company, its owner and its policy: a company never exists without either. The
    currency is the country's unless given."""
    company = Company.objects.create(
        name=name,
        timezone=timezone,
        address=address,
        phone=phone,
        country=country,
        vat_number=vat_number,
        currency=currency or currency_for_country(country),
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
    currency: str = "",
    timezone: str | None = None,
    week_starts_on: int | None = None,
) -> Company:
    """The owner's settings; the currency is the country's when not given, the time zone and
    the first day of the week stay as they are when not given.

    The first weekday may change at any time, weeks already submitted or approved included:
    each submitted week keeps its own seven days (timesheets.TimesheetWeek.week_start), and an
    approved one locks those days whatever the setting says now, so a change neither unlocks
    nor hides anything (docs/operating.md)."""
    details = check_company_details(
        name=name, address=address, phone=phone, country=country, vat_number=vat_number
    )
    currency = currency or currency_for_country(details.country)
    if not is_known_currency(currency):
        raise ValidationError({"currency": f"{currency!r} is not a currency WorkLens knows."})
    company.name = details.name
    company.address = details.address
    company.phone = details.phone
    company.country = details.country
    company.vat_number = details.vat_number
    company.require_manager_2fa = require_manager_2fa
    company.currency = currency
    if timezone is not None:
        if not is_known_timezone(timezone):
            raise ValidationError({"timezone": f"{timezone!r} is not a time zone WorkLens knows."})
        company.timezone = timezone
    if week_starts_on is not None:
        if week_starts_on not in FirstWeekday.values:
            raise ValidationError(
                {"week_starts_on": "a week starts on a Monday, a Sunday or a Saturday."}
            )
        company.week_starts_on = week_starts_on
    company.save(
        update_fields=[
            "name",
            "address",
            "phone",
            "country",
            "vat_number",
            "require_manager_2fa",
            "currency",
            "timezone",
            "week_starts_on",
        ]
    )
    return company


def _require_owner(actor: Member, doing: str) -> None:
    if actor.role != Member.Role.OWNER:
        raise PermissionRefused(f"only an owner can {doing}")


def _require_same_company(actor: Member, *objects: Member | Team) -> None:
    if any(obj.company_id != actor.company_id for obj in objects):
        raise PermissionRefused("that belongs to another company")


def _lock_owners(company_id: uuid.UUID) -> int:
    """Locks the company's owner rows and counts them, so two owners demoting each other at
    the same moment cannot leave the company without one."""
    return len(
        list(
            Member.objects.select_for_update()
            .filter(company_id=company_id, role=Member.Role.OWNER)
            .values_list("pk", flat=True)
        )
    )


@transaction.atomic
def change_member_role_by(*, actor: Member, member: Member, role: str) -> Member:
    """Owner only. The last owner keeps the role; a member who stops being a manager stops
    managing teams (the marks are cleared, not left to grant access later)."""
    _require_owner(actor, "change roles")
    _require_same_company(actor, member)
    if role not in Member.Role.values:
        raise InvalidChange(f"unknown role {role!r}; choose one of {', '.join(Member.Role.values)}")
    if member.role == role:
        return member
    if member.role == Member.Role.OWNER and _lock_owners(member.company_id) <= 1:
        raise InvalidChange("the last owner cannot be demoted; make someone else owner first")
    member.role = role
    member.save(update_fields=["role"])
    if role != Member.Role.MANAGER:
        member.team_memberships.filter(is_manager=True).update(is_manager=False)
    return member


@transaction.atomic
def remove_member_by(*, actor: Member, member: Member) -> None:
    """Owner only. Removes the membership and, with it, the member's devices and the data
    collected in this company, screenshot files included; the last owner cannot be removed."""
    _require_owner(actor, "remove members")
    _require_same_company(actor, member)
    if member.role == Member.Role.OWNER and _lock_owners(member.company_id) <= 1:
        raise InvalidChange("the last owner cannot be removed")
    image_names = stored_image_names(Screenshot.objects.filter(member=member))
    member.delete()
    # The rows go with the membership; their encrypted image files go once that is committed.
    delete_images_after_commit(image_names)


def _clean_team_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidChange("a team needs a name")
    if len(cleaned) > 200:
        raise InvalidChange("a team name has at most 200 characters")
    return cleaned


def create_team_by(*, actor: Member, name: str) -> Team:
    _require_owner(actor, "create teams")
    cleaned = _clean_team_name(name)
    try:
        with transaction.atomic():
            return Team.objects.create(company_id=actor.company_id, name=cleaned)
    except IntegrityError as exc:
        raise InvalidChange(f"a team named {cleaned!r} already exists") from exc


def rename_team_by(*, actor: Member, team: Team, name: str) -> Team:
    _require_owner(actor, "rename teams")
    _require_same_company(actor, team)
    cleaned = _clean_team_name(name)
    try:
        with transaction.atomic():
            team.name = cleaned
            team.save(update_fields=["name"])
    except IntegrityError as exc:
        raise InvalidChange(f"a team named {cleaned!r} already exists") from exc
    return team


def delete_team_by(*, actor: Member, team: Team) -> None:
    """The members stay in the company; only the grouping (and who managed it) goes."""
    _require_owner(actor, "delete teams")
    _require_same_company(actor, team)
    team.delete()


def add_team_member_by(
    *, actor: Member, team: Team, member: Member, is_manager: bool = False
) -> TeamMembership:
    _require_owner(actor, "change teams")
    _require_same_company(actor, team, member)
    if is_manager and member.role != Member.Role.MANAGER:
        raise InvalidChange("only a member with the manager role can manage a team")
    return add_team_member(team=team, member=member, is_manager=is_manager)


def remove_team_member_by(*, actor: Member, team: Team, member: Member) -> None:
    _require_owner(actor, "change teams")
    _require_same_company(actor, team, member)
    TeamMembership.objects.filter(team=team, member=member).delete()


def set_team_manager_by(*, actor: Member, team: Team, member: Member, is_manager: bool) -> None:
    """Marks (or unmarks) a team member as one of the team's managers."""
    _require_owner(actor, "choose team managers")
    _require_same_company(actor, team, member)
    if is_manager and member.role != Member.Role.MANAGER:
        raise InvalidChange(
            f"{member.user.display_name} has the {member.get_role_display().lower()} role; "
            "give them the manager role first"
        )
    updated = TeamMembership.objects.filter(team=team, member=member).update(is_manager=is_manager)
    if updated != 1:
        raise InvalidChange(f"{member.user.display_name} is not in the team {team.name}")
