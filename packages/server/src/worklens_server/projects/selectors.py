"""Reads for projects: which projects a member may use (the agent's list), which ones a viewer
manages, and the projects pages with their tracked time, budgets and amounts.

Who manages what:
- an owner manages every project of the company;
- a manager manages a project that is not open to everyone when every member assigned to it is
  someone they may see (themselves or a member of a team they manage), and while nobody is
  assigned, a project they created; company-wide projects and projects shared with other teams
  are the owners';
- an employee manages none.

Time shown to a viewer (tracked, plus approved manual time, less approved trims: `totals`) is
only that of the members they may see (docs/privacy.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from worklens_server.companies.currencies import format_amount
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_visible_members
from worklens_server.formatting import clock, percent
from worklens_server.projects import totals
from worklens_server.projects.models import Assignment, Project, Task
from worklens_wire.v1 import ProjectOut, TaskOut


def usable_projects(*, member_id: uuid.UUID, company_id: uuid.UUID) -> QuerySet[Project]:
    """Open projects `member_id` may track time on: open to everyone, or assigned to them."""
    assigned = Assignment.objects.filter(member_id=member_id).values("project_id")
    return Project.objects.filter(company_id=company_id, is_archived=False).filter(
        Q(everyone=True) | Q(pk__in=assigned)
    )


def list_member_projects(*, member_id: uuid.UUID, company_id: uuid.UUID) -> list[ProjectOut]:
    """The agent's project picker: the member's open projects with their open tasks."""
    projects = (
        usable_projects(member_id=member_id, company_id=company_id)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.filter(is_archived=False).order_by("name"),
                to_attr="open_tasks",
            )
        )
    )
    return [
        ProjectOut(
            id=project.id,
            name=project.name,
            tasks=[TaskOut(id=task.id, name=task.name) for task in project.open_tasks],
        )
        for project in projects
    ]


def _visible_ids(viewer: Member) -> QuerySet[Any, Any]:
    return get_visible_members(viewer=viewer).values("pk")


def managed_projects(*, viewer: Member) -> QuerySet[Project]:
    """The projects `viewer` manages (the module's docstring has the rule)."""
    in_company = Project.objects.filter(company_id=viewer.company_id)
    if viewer.role == Member.Role.OWNER:
        return in_company
    if viewer.role != Member.Role.MANAGER:
        return in_company.none()
    visible = _visible_ids(viewer)
    on_projects = Assignment.objects.filter(project__company_id=viewer.company_id)
    shared = on_projects.exclude(member_id__in=visible).values("project_id")
    theirs = on_projects.filter(member_id__in=visible).values("project_id")
    return (
        in_company.filter(everyone=False)
        .exclude(pk__in=shared)
        .filter(Q(pk__in=theirs) | Q(created_by=viewer, assignments__isnull=True))
        .distinct()
    )


def get_managed_project(*, viewer: Member, project_id: uuid.UUID) -> Project | None:
    return managed_projects(viewer=viewer).select_related("company").filter(pk=project_id).first()


def get_managed_task(*, viewer: Member, task_id: uuid.UUID) -> Task | None:
    return (
        Task.objects.filter(project__in=managed_projects(viewer=viewer), pk=task_id)
        .select_related("project")
        .first()
    )


def may_manage(*, viewer: Member, project: Project) -> bool:
    return managed_projects(viewer=viewer).filter(pk=project.pk).exists()


@dataclass(frozen=True)
class Budget:
    """Counted time (`totals`: tracked, with approved changes) against a budget in hours."""

    tracked_seconds: int
    budget_hours: Decimal | None

    @property
    def budget_seconds(self) -> int | None:
        return None if self.budget_hours is None else int(self.budget_hours * 3600)

    @property
    def percent(self) -> int | None:
        budget = self.budget_seconds
        return None if budget is None else percent(self.tracked_seconds, budget)

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)

    @property
    def over(self) -> bool:
        budget = self.budget_seconds
        return budget is not None and self.tracked_seconds > budget

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)

    @property
    def budget_display(self) -> str:
        return "" if self.budget_hours is None else f"{self.budget_hours.normalize():f} h"


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    open_tasks: int
    assigned: int
    budget: Budget
    #: None for a viewer who does not see money (a manager), or when nothing is billed.
    amount: str | None
    manageable: bool


def _money(amount: Decimal | None, currency: str) -> str | None:
    return None if amount is None else format_amount(amount, currency)


def list_projects_for_page(*, viewer: Member, archived: bool) -> list[ProjectRow]:
    """/projects/: an owner's every project; a manager's, those they manage plus those open to
    everyone or shared with their teams (shown, not managed). Time: the viewer's visible
    members'. Amounts: for owners only."""
    is_owner = viewer.role == Member.Role.OWNER
    projects = Project.objects.filter(company_id=viewer.company_id, is_archived=archived)
    if not is_owner:
        theirs = Assignment.objects.filter(member_id__in=_visible_ids(viewer)).values("project_id")
        projects = projects.filter(
            Q(everyone=True) | Q(pk__in=theirs) | Q(pk__in=managed_projects(viewer=viewer))
        )
    listed = list(
        projects.annotate(
            open_tasks=Count("tasks", filter=Q(tasks__is_archived=False), distinct=True),
            assigned=Count("assignments", distinct=True),
        ).order_by("name")
    )
    ids = [project.pk for project in listed]
    seconds = totals.seconds_by_project_and_member(
        project_ids=ids, member_ids=None if is_owner else _visible_ids(viewer)
    )
    own_rates = totals.member_rates(project_ids=ids) if is_owner else {}
    managed = set(ids if is_owner else managed_projects(viewer=viewer).values_list("pk", flat=True))
    currency = viewer.company.currency
    rows = []
    for project in listed:
        by_member = seconds.get(project.pk, {})
        amount = (
            totals.project_amount(by_member, project.hourly_rate, own_rates.get(project.pk, {}))
            if is_owner
            else None
        )
        rows.append(
            ProjectRow(
                project=project,
                open_tasks=project.open_tasks,
                assigned=project.assigned,
                budget=Budget(sum(by_member.values()), project.budget_hours),
                amount=_money(amount, currency),
                manageable=project.pk in managed,
            )
        )
    return rows


@dataclass(frozen=True)
class TaskRow:
    task: Task
    tracked_seconds: int

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)


@dataclass(frozen=True)
class MemberRow:
    member: Member
    assigned: bool
    #: The member's own rate on this project (owners only), None: the project's.
    own_rate: Decimal | None
    tracked_seconds: int
    amount: str | None

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked_seconds)


@dataclass(frozen=True)
class ProjectPage:
    project: Project
    budget: Budget
    tasks: list[TaskRow]
    #: Tracked time on the project without a task.
    no_task_seconds: int
    members: list[MemberRow]
    candidates: list[Member]
    amount: str | None
    currency: str
    shows_money: bool

    @property
    def no_task_display(self) -> str:
        return clock(self.no_task_seconds)


def get_project_page(*, viewer: Member, project: Project) -> ProjectPage:
    """A project the viewer manages: its tasks and members (those the viewer may see) with
    their counted time, and for owners the rates and amounts."""
    is_owner = viewer.role == Member.Role.OWNER
    visible = get_visible_members(viewer=viewer)
    scope = None if is_owner else visible.values("pk")
    by_task = totals.seconds_by_task(project_id=project.pk, member_ids=scope)
    by_member = totals.seconds_by_project_and_member(project_ids=[project.pk], member_ids=scope)
    seconds = by_member.get(project.pk, {})
    assignments = {
        a.member_id: a
        for a in Assignment.objects.filter(project=project, member__in=visible.values("pk"))
    }
    shown = (
        visible.filter(pk__in=[*assignments, *seconds])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    own_rates = {m: a.hourly_rate for m, a in assignments.items() if a.hourly_rate is not None}
    currency = viewer.company.currency
    members = [
        MemberRow(
            member=member,
            assigned=member.pk in assignments,
            own_rate=own_rates.get(member.pk) if is_owner else None,
            tracked_seconds=seconds.get(member.pk, 0),
            amount=_money(
                totals.amount_for(
                    seconds.get(member.pk, 0),
                    totals.rate_for(member.pk, project.hourly_rate, own_rates),
                ),
                currency,
            )
            if is_owner
            else None,
        )
        for member in shown
    ]
    tasks = [
        TaskRow(task=task, tracked_seconds=by_task.get(task.pk, 0))
        for task in project.tasks.order_by("is_archived", "name")
    ]
    candidates = list(
        visible.exclude(pk__in=list(assignments))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    amount = totals.project_amount(seconds, project.hourly_rate, own_rates) if is_owner else None
    return ProjectPage(
        project=project,
        budget=Budget(sum(seconds.values()), project.budget_hours),
        tasks=tasks,
        no_task_seconds=by_task.get(None, 0),
        members=members,
        candidates=candidates,
        amount=_money(amount, currency),
        currency=currency,
        shows_money=is_owner,
    )
