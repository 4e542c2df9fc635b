"""Projects pages. Thin: the gate (companies.access) finds the URL's project among those the
viewer manages (another company's, or one a manager does not manage, is a 404) and checks the
role; the view calls one service and renders. A refusal by a service is a 403: the pages never
offer what the viewer may not do, so only a forged request meets one."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from worklens_server.companies.access import (
    MANAGER,
    OWNER,
    is_htmx,
    member_in_company,
    role_required,
)
from worklens_server.companies.models import Member
from worklens_server.companies.services import InvalidChange, PermissionRefused
from worklens_server.projects import selectors, services
from worklens_server.projects.forms import (
    AssignForm,
    NameForm,
    NewProjectForm,
    RateForm,
    project_form_for,
)
from worklens_server.projects.models import Project, Task


def managed_project(viewer: Member, project_id: uuid.UUID) -> Project:
    project = selectors.get_managed_project(viewer=viewer, project_id=project_id)
    if project is None:
        raise Http404("no such project")
    return project


def managed_task(viewer: Member, task_id: uuid.UUID) -> Task:
    task = selectors.get_managed_task(viewer=viewer, task_id=task_id)
    if task is None:
        raise Http404("no such task")
    return task


PROJECT = {"project_id": managed_project}
PROJECT_AND_TASK = {"project_id": managed_project, "task_id": managed_task}
PROJECT_AND_MEMBER = {"project_id": managed_project, "member_id": member_in_company}


@role_required(OWNER, MANAGER)
def projects(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The list (active, or archived with ?show=archived) and the new project form."""
    form = project_form_for(viewer, request.POST or None, new=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            assert isinstance(form, NewProjectForm)
            try:
                project = services.create_project_by(
                    actor=viewer,
                    name=form.cleaned_data["name"],
                    task_names=form.task_names(),
                    budget_hours=form.cleaned_data["budget_hours"],
                    **form.owner_fields(),
                )
            except PermissionRefused as exc:
                raise PermissionDenied(str(exc)) from exc
            except InvalidChange as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Project {project.name} created.")
                return redirect("projects:project", project_id=project.pk)
        status = 400
    archived = request.GET.get("show") == "archived"
    context = {
        "viewer": viewer,
        "company": viewer.company,
        "rows": selectors.list_projects_for_page(viewer=viewer, archived=archived),
        "archived": archived,
        "form": form,
    }
    return render(request, "projects/projects.html", context, status=status)


def _project_context(viewer: Member, project: Project, **extra: Any) -> dict[str, Any]:
    initial = {
        "name": project.name,
        "budget_hours": project.budget_hours,
        "hourly_rate": project.hourly_rate,
        "everyone": project.everyone,
    }
    return {
        "viewer": viewer,
        "company": viewer.company,
        "page": selectors.get_project_page(viewer=viewer, project=project),
        "form": project_form_for(viewer, initial=initial),
        **extra,
    }


@role_required(OWNER, MANAGER, find=PROJECT)
def project(request: HttpRequest, viewer: Member, project: Project) -> HttpResponse:
    return render(request, "projects/project.html", _project_context(viewer, project))


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT)
def update_project(request: HttpRequest, viewer: Member, project: Project) -> HttpResponse:
    form = project_form_for(viewer, request.POST)
    if form.is_valid():
        try:
            services.update_project_by(
                actor=viewer,
                project=project,
                name=form.cleaned_data["name"],
                budget_hours=form.cleaned_data["budget_hours"],
                **form.owner_fields(),
            )
        except PermissionRefused as exc:
            raise PermissionDenied(str(exc)) from exc
        except InvalidChange as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Project {project.name} saved.")
            return redirect("projects:project", project_id=project.pk)
    project.refresh_from_db()
    context = _project_context(viewer, project) | {"form": form}
    return render(request, "projects/project.html", context, status=400)


def _set_archived(
    request: HttpRequest, viewer: Member, project: Project, archived: bool
) -> HttpResponse:
    try:
        services.set_project_archived_by(actor=viewer, project=project, archived=archived)
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    if archived:
        messages.success(request, f"{project.name} is archived: agents no longer offer it.")
    else:
        messages.success(request, f"{project.name} is active again.")
    return redirect("projects:project", project_id=project.pk)


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT)
def archive_project(request: HttpRequest, viewer: Member, project: Project) -> HttpResponse:
    return _set_archived(request, viewer, project, True)


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT)
def unarchive_project(request: HttpRequest, viewer: Member, project: Project) -> HttpResponse:
    return _set_archived(request, viewer, project, False)


def _after_change(
    request: HttpRequest,
    viewer: Member,
    project: Project,
    partial: str,
    error: str | None,
    done: str,
) -> HttpResponse:
    """htmx: the changed part of the page again (200 even with an error: htmx swaps only
    successful answers, and the part shows it); otherwise back to the project page."""
    if is_htmx(request):
        if not selectors.may_manage(viewer=viewer, project=project):
            # The change took the project out of this manager's care (the last of their
            # members left it): the page would no longer open.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("projects:projects")
            return response
        context = _project_context(viewer, project, error=error)
        return render(request, f"projects/{partial}", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    if not selectors.may_manage(viewer=viewer, project=project):
        return redirect("projects:projects")
    return redirect("projects:project", project_id=project.pk)


def _task_change(
    request: HttpRequest, viewer: Member, project: Project, change: Any, done: str
) -> HttpResponse:
    error = None
    try:
        change()
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    except InvalidChange as exc:
        error = str(exc)
    return _after_change(request, viewer, project, "_tasks.html", error, done)


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT)
def add_task(request: HttpRequest, viewer: Member, project: Project) -> HttpResponse:
    form = NameForm(request.POST)
    if not form.is_valid():
        return _after_change(
            request,
            viewer,
            project,
            "_tasks.html",
            "a task needs a name of at most 200 characters",
            "",
        )
    name = form.cleaned_data["name"]
    return _task_change(
        request,
        viewer,
        project,
        lambda: services.add_task_by(actor=viewer, project=project, name=name),
        f"Task {name} added.",
    )


def _task_of(project: Project, task: Task) -> Task:
    if task.project_id != project.pk:
        raise Http404("no such task in this project")
    return task


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT_AND_TASK)
def rename_task(request: HttpRequest, viewer: Member, project: Project, task: Task) -> HttpResponse:
    task = _task_of(project, task)
    form = NameForm(request.POST)
    if not form.is_valid():
        return _after_change(
            request,
            viewer,
            project,
            "_tasks.html",
            "a task needs a name of at most 200 characters",
            "",
        )
    name = form.cleaned_data["name"]
    return _task_change(
        request,
        viewer,
        project,
        lambda: services.rename_task_by(actor=viewer, task=task, name=name),
        f"Task renamed to {name}.",
    )


def _task_archived(
    request: HttpRequest, viewer: Member, project: Project, task: Task, archived: bool
) -> HttpResponse:
    task = _task_of(project, task)
    done = f"Task {task.name} {'archived' if archived else 'active again'}."
    return _task_change(
        request,
        viewer,
        project,
        lambda: services.set_task_archived_by(actor=viewer, task=task, archived=archived),
        done,
    )


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT_AND_TASK)
def archive_task(
    request: HttpRequest, viewer: Member, project: Project, task: Task
) -> HttpResponse:
    return _task_archived(request, viewer, project, task, True)


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT_AND_TASK)
def unarchive_task(
    request: HttpRequest, viewer: Member, project: Project, task: Task
) -> HttpResponse:
    return _task_archived(request, viewer, project, task, False)


def _member_change(
    request: HttpRequest, viewer: Member, project: Project, change: Any, done: str
) -> HttpResponse:
    error = None
    try:
        change()
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    except InvalidChange as exc:
        error = str(exc)
    return _after_change(request, viewer, project, "_members.html", error, done)


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT)
def assign_member(request: HttpRequest, viewer: Member, project: Project) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        error = "choose a member; a rate is a number of at least 0"
        return _after_change(request, viewer, project, "_members.html", error, "")
    member = member_in_company(viewer, form.cleaned_data["member"])
    rate = form.cleaned_data["hourly_rate"]
    return _member_change(
        request,
        viewer,
        project,
        lambda: services.assign_member_by(
            actor=viewer, project=project, member=member, hourly_rate=rate
        ),
        f"{member.user.display_name} added to {project.name}.",
    )


@require_POST
@role_required(OWNER, find=PROJECT_AND_MEMBER)
def set_member_rate(
    request: HttpRequest, viewer: Member, project: Project, member: Member
) -> HttpResponse:
    form = RateForm(request.POST)
    if not form.is_valid():
        error = "a rate is a number of at least 0 (empty: the project's rate)"
        return _after_change(request, viewer, project, "_members.html", error, "")
    rate = form.cleaned_data["hourly_rate"]
    return _member_change(
        request,
        viewer,
        project,
        lambda: services.set_member_rate_by(
            actor=viewer, project=project, member=member, hourly_rate=rate
        ),
        f"{member.user.display_name}'s rate on {project.name} saved.",
    )


@require_POST
@role_required(OWNER, MANAGER, find=PROJECT_AND_MEMBER)
def unassign_member(
    request: HttpRequest, viewer: Member, project: Project, member: Member
) -> HttpResponse:
    return _member_change(
        request,
        viewer,
        project,
        lambda: services.unassign_member_by(actor=viewer, project=project, member=member),
        f"{member.user.display_name} removed from {project.name}; their tracked time stays.",
    )
