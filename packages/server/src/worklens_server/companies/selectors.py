"""Reads for companies: who is whose member, and what a member may see."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, Q, QuerySet

from worklens_server.accounts.models import User
from worklens_server.companies.models import Member, Project, Task
from worklens_wire.v1 import ProjectOut, TaskOut


def get_member_for_user(*, user: User) -> Member | None:
    """The user's membership; a user belongs to one company in this version."""
    return Member.objects.select_related("company").filter(user=user).order_by("created_at").first()


def get_visible_members(*, viewer: Member) -> QuerySet[Member]:
    """Members whose data `viewer` may see: owners see the company, team managers see their
    teams, everyone sees themselves. Always scoped to the viewer's company."""
    in_company = Member.objects.filter(company_id=viewer.company_id)
    if viewer.role == Member.Role.OWNER:
        return in_company
    managed_team_ids = viewer.team_memberships.filter(is_manager=True).values("team_id")
    return in_company.filter(
        Q(pk=viewer.pk) | Q(team_memberships__team_id__in=managed_team_ids)
    ).distinct()


def list_company_projects(*, company_id: uuid.UUID) -> list[ProjectOut]:
    """Active projects with their active tasks, for the agent's project picker."""
    projects = (
        Project.objects.filter(company_id=company_id, is_archived=False)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.filter(is_archived=False).order_by("name"),
                to_attr="active_tasks",
            )
        )
    )
    return [
        ProjectOut(
            id=project.id,
            name=project.name,
            tasks=[TaskOut(id=task.id, name=task.name) for task in project.active_tasks],
        )
        for project in projects
    ]
