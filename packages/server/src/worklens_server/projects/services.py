"""Writes for projects, their tasks and who is assigned to them.

The `*_by` functions are the projects pages' actions: they take the acting member and refuse
with PermissionRefused when the actor may not do it (projects.selectors has who manages what;
rates and "open to everyone" are the owners'), and with InvalidChange when the change is not
possible as asked. Callers find the target in the actor's company first; the services check
again, so another company's or another team's objects never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from django.db import IntegrityError, transaction

from worklens_server.companies.models import Company, Member
from worklens_server.companies.selectors import get_visible_members
from worklens_server.companies.services import InvalidChange, PermissionRefused
from worklens_server.projects.models import Assignment, Project, Task
from worklens_server.projects.selectors import may_manage

#: At most this many hours of budget, and this much per hour.
MAX_BUDGET_HOURS = Decimal(1_000_000)
MAX_HOURLY_RATE = Decimal(1_000_000)


class Keep(Enum):
    """A field left as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


def create_project(
    *, company: Company, name: str, task_names: Iterable[str] = (), everyone: bool = False
) -> Project:
    """A project with tasks, reused when it exists (set-up and the demo; not a page action)."""
    project, _ = Project.objects.get_or_create(
        company=company, name=name, defaults={"everyone": everyone}
    )
    for task_name in task_names:
        Task.objects.get_or_create(project=project, name=task_name)
    return project


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidChange(f"a {what} needs a name")
    if len(cleaned) > 200:
        raise InvalidChange(f"a {what} name has at most 200 characters")
    return cleaned


def _check_budget(hours: Decimal | None) -> Decimal | None:
    if hours is not None and not Decimal(0) < hours <= MAX_BUDGET_HOURS:
        raise InvalidChange(f"a budget is more than 0 and at most {MAX_BUDGET_HOURS:,} hours")
    return hours


def _check_rate(rate: Decimal | None) -> Decimal | None:
    if rate is not None and not Decimal(0) <= rate <= MAX_HOURLY_RATE:
        raise InvalidChange(f"an hourly rate is between 0 and {MAX_HOURLY_RATE:,}")
    return rate


def _require_managing(actor: Member, project: Project) -> None:
    if project.company_id != actor.company_id:
        raise PermissionRefused("that belongs to another company")
    if actor.role == Member.Role.OWNER:
        return
    if actor.role != Member.Role.MANAGER:
        raise PermissionRefused("only owners and managers manage projects")
    if not may_manage(viewer=actor, project=project):
        raise PermissionRefused(
            "this project is managed by the owners: it is open to everyone or shared with "
            "members of teams you do not manage"
        )


def _require_owner(actor: Member, doing: str) -> None:
    if actor.role != Member.Role.OWNER:
        raise PermissionRefused(f"only an owner can {doing}")


def _require_visible(actor: Member, member: Member) -> None:
    if member.company_id != actor.company_id:
        raise PermissionRefused("that member belongs to another company")
    if not get_visible_members(viewer=actor).filter(pk=member.pk).exists():
        raise PermissionRefused(
            f"{member.user.display_name} is not in a team you manage; ask an owner"
        )


def create_project_by(
    *,
    actor: Member,
    name: str,
    task_names: Iterable[str] = (),
    budget_hours: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    everyone: bool = False,
) -> Project:
    """Owners and managers create projects; a rate and "open to everyone" are the owners'."""
    if actor.role not in (Member.Role.OWNER, Member.Role.MANAGER):
        raise PermissionRefused("only owners and managers create projects")
    if actor.role != Member.Role.OWNER and (hourly_rate is not None or everyone):
        raise PermissionRefused("only an owner can set a rate or open a project to everyone")
    cleaned = _clean_name(name, "project")
    tasks = list(dict.fromkeys(_clean_name(task, "task") for task in task_names))
    try:
        with transaction.atomic():
            project = Project.objects.create(
                company_id=actor.company_id,
                name=cleaned,
                budget_hours=_check_budget(budget_hours),
                hourly_rate=_check_rate(hourly_rate),
                everyone=everyone,
                created_by=actor,
            )
            Task.objects.bulk_create([Task(project=project, name=task) for task in tasks])
    except IntegrityError as exc:
        raise InvalidChange(f"a project named {cleaned!r} already exists") from exc
    return project


def update_project_by(
    *,
    actor: Member,
    project: Project,
    name: str,
    budget_hours: Decimal | None,
    hourly_rate: Decimal | Keep | None = KEEP,
    everyone: bool | Keep = KEEP,
) -> Project:
    """Name and budget by whoever manages the project; rate and "open to everyone" by owners
    (left as they are when not given)."""
    _require_managing(actor, project)
    if hourly_rate is not KEEP or everyone is not KEEP:
        _require_owner(actor, "set a project's rate or open it to everyone")
    cleaned = _clean_name(name, "project")
    project.name = cleaned
    project.budget_hours = _check_budget(budget_hours)
    fields = ["name", "budget_hours"]
    if not isinstance(hourly_rate, Keep):
        project.hourly_rate = _check_rate(hourly_rate)
        fields.append("hourly_rate")
    if not isinstance(everyone, Keep):
        project.everyone = everyone
        fields.append("everyone")
    try:
        with transaction.atomic():
            project.save(update_fields=fields)
    except IntegrityError as exc:
        raise InvalidChange(f"a project named {cleaned!r} already exists") from exc
    return project


def set_project_archived_by(*, actor: Member, project: Project, archived: bool) -> Project:
    """An archived project keeps its time and tasks but takes no new entries."""
    _require_managing(actor, project)
    project.is_archived = archived
    project.save(update_fields=["is_archived"])
    return project


def add_task_by(*, actor: Member, project: Project, name: str) -> Task:
    _require_managing(actor, project)
    cleaned = _clean_name(name, "task")
    try:
        with transaction.atomic():
            return Task.objects.create(project=project, name=cleaned)
    except IntegrityError as exc:
        raise InvalidChange(f"{project.name} already has a task named {cleaned!r}") from exc


def rename_task_by(*, actor: Member, task: Task, name: str) -> Task:
    _require_managing(actor, task.project)
    cleaned = _clean_name(name, "task")
    try:
        with transaction.atomic():
            task.name = cleaned
            task.save(update_fields=["name"])
    except IntegrityError as exc:
        raise InvalidChange(f"{task.project.name} already has a task named {cleaned!r}") from exc
    return task


def set_task_archived_by(*, actor: Member, task: Task, archived: bool) -> Task:
    _require_managing(actor, task.project)
    task.is_archived = archived
    task.save(update_fields=["is_archived"])
    return task


def assign_member_by(
    *, actor: Member, project: Project, member: Member, hourly_rate: Decimal | None = None
) -> Assignment:
    """Owners assign anyone of the company; managers only people they manage, without a rate.
    On a project open to everyone an assignment only carries the member's own rate."""
    _require_managing(actor, project)
    _require_visible(actor, member)
    if hourly_rate is not None:
        _require_owner(actor, "set a member's rate")
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                project=project, member=member, hourly_rate=_check_rate(hourly_rate)
            )
    except IntegrityError as exc:
        raise InvalidChange(f"{member.user.display_name} is already on {project.name}") from exc


def set_member_rate_by(
    *, actor: Member, project: Project, member: Member, hourly_rate: Decimal | None
) -> Assignment:
    """The member's own rate on the project (None: the project's rate); owners only."""
    _require_owner(actor, "set a member's rate")
    _require_managing(actor, project)
    _require_visible(actor, member)
    assignment = Assignment.objects.filter(project=project, member=member).first()
    if assignment is None:
        raise InvalidChange(f"{member.user.display_name} is not on {project.name}; add them first")
    assignment.hourly_rate = _check_rate(hourly_rate)
    assignment.save(update_fields=["hourly_rate"])
    return assignment


def unassign_member_by(*, actor: Member, project: Project, member: Member) -> None:
    """The member's tracked time stays on the project; they can no longer start new entries
    on it (unless it is open to everyone)."""
    _require_managing(actor, project)
    _require_visible(actor, member)
    deleted, _ = Assignment.objects.filter(project=project, member=member).delete()
    if not deleted:
        raise InvalidChange(f"{member.user.display_name} is not on {project.name}")
