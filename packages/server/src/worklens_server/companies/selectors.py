"""Reads for companies: who is whose member, and what a member may see."""

from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet

from worklens_server.accounts.models import User
from worklens_server.companies.models import Member, Team, TeamMembership


def get_member_for_user(*, user: User) -> Member | None:
    """The user's membership; a user belongs to one company in this version."""
    return (
        Member.objects.select_related("company", "user")
        .filter(user=user)
        .order_by("created_at")
        .first()
    )


def get_owned_membership(*, user: User) -> Member | None:
    """The user's first membership as an owner: the company they may cancel."""
    return (
        Member.objects.select_related("company")
        .filter(user=user, role=Member.Role.OWNER)
        .order_by("created_at")
        .first()
    )


def get_managed_team_ids(*, viewer: Member) -> QuerySet[TeamMembership, uuid.UUID]:
    """Ids of the teams `viewer` manages. Only a member whose role is manager manages a team:
    a leftover team-manager mark on someone demoted to employee grants nothing."""
    if viewer.role != Member.Role.MANAGER:
        return TeamMembership.objects.none().values_list("team_id", flat=True)
    return TeamMembership.objects.filter(
        member=viewer, is_manager=True, team__company_id=viewer.company_id
    ).values_list("team_id", flat=True)


def get_visible_members(*, viewer: Member) -> QuerySet[Member]:
    """Members whose data `viewer` may see: owners see the company, team managers see their
    teams, everyone sees themselves. Always scoped to the viewer's company."""
    in_company = Member.objects.filter(company_id=viewer.company_id)
    if viewer.role == Member.Role.OWNER:
        return in_company
    managed_team_ids = get_managed_team_ids(viewer=viewer)
    return in_company.filter(
        Q(pk=viewer.pk) | Q(team_memberships__team_id__in=managed_team_ids)
    ).distinct()


def list_members_for_page(*, viewer: Member) -> list[Member]:
    """The /members/ list: the visible members with their users and teams, by name."""
    return list(
        get_visible_members(viewer=viewer)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "team_memberships",
                queryset=TeamMembership.objects.select_related("team").order_by("team__name"),
            )
        )
        .order_by("user__full_name", "user__email")
    )


def get_company_member(*, company_id: uuid.UUID, member_id: uuid.UUID) -> Member | None:
    return (
        Member.objects.select_related("user", "company")
        .filter(company_id=company_id, pk=member_id)
        .first()
    )


def list_company_teams(*, company_id: uuid.UUID) -> list[Team]:
    return list(
        Team.objects.filter(company_id=company_id)
        .annotate(
            member_count=Count("memberships"),
            manager_count=Count("memberships", filter=Q(memberships__is_manager=True)),
        )
        .order_by("name")
    )


def list_teams_managed_by(*, viewer: Member) -> list[Team]:
    """Teams `viewer` may invite into: every team for an owner, the managed ones for a manager."""
    teams = Team.objects.filter(company_id=viewer.company_id).order_by("name")
    if viewer.role == Member.Role.OWNER:
        return list(teams)
    return list(teams.filter(pk__in=get_managed_team_ids(viewer=viewer)))


def get_company_team(*, company_id: uuid.UUID, team_id: uuid.UUID) -> Team | None:
    return Team.objects.filter(company_id=company_id, pk=team_id).first()


def list_team_memberships(*, team: Team) -> list[TeamMembership]:
    return list(
        team.memberships.select_related("member__user").order_by(
            "-is_manager", "member__user__full_name", "member__user__email"
        )
    )


def list_members_outside_team(*, team: Team) -> list[Member]:
    return list(
        Member.objects.filter(company_id=team.company_id)
        .exclude(team_memberships__team=team)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
