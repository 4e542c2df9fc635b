"""Members and teams pages. Thin: the gate (companies.access) finds the URL's objects in the
viewer's company and checks the role; the view calls one service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from worklens_server.companies import selectors, services
from worklens_server.companies.access import (
    MANAGER,
    OWNER,
    is_htmx,
    member_in_company,
    role_required,
    team_in_company,
)
from worklens_server.companies.models import Member, Team
from worklens_server.companies.people_forms import (
    ManagerFlagForm,
    RoleForm,
    TeamMemberForm,
    TeamNameForm,
)
from worklens_server.invitations.forms import invite_form_for
from worklens_server.invitations.selectors import list_pending_invitations

#: The URL's member, found in the viewer's company.
MEMBER = {"member_id": member_in_company}
#: The URL's team, found in the viewer's company.
TEAM = {"team_id": team_in_company}
#: The URL's team and member.
TEAM_AND_MEMBER = {"team_id": team_in_company, "member_id": member_in_company}


def members_context(viewer: Member) -> dict[str, object]:
    return {
        "viewer": viewer,
        "company": viewer.company,
        "members": selectors.list_members_for_page(viewer=viewer),
        "roles": Member.Role.choices,
        "invitations": list_pending_invitations(viewer=viewer),
        "invite_form": invite_form_for(viewer),
    }


@role_required(OWNER, MANAGER)
def members(request: HttpRequest, viewer: Member) -> HttpResponse:
    return render(request, "companies/members.html", members_context(viewer))


@require_POST
@role_required(OWNER, find=MEMBER)
def change_role(request: HttpRequest, viewer: Member, member: Member) -> HttpResponse:
    form = RoleForm(request.POST)
    error = None
    if not form.is_valid():
        error = "choose a role: owner, manager or employee"
    else:
        try:
            services.change_member_role_by(
                actor=viewer, member=member, role=form.cleaned_data["role"]
            )
        except (services.InvalidChange, services.PermissionRefused) as exc:
            error = str(exc)
    if is_htmx(request):
        member = member_in_company(viewer, member.pk)
        row = next(m for m in selectors.list_members_for_page(viewer=viewer) if m.pk == member.pk)
        context = {"viewer": viewer, "member": row, "roles": Member.Role.choices, "error": error}
        # 200 even with an error: htmx swaps only successful answers, and the row shows it.
        return render(request, "companies/_member_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{member.user.display_name} is now {member.get_role_display()}.")
    return redirect("people:members")


@require_POST
@role_required(OWNER, find=MEMBER)
def remove_member(request: HttpRequest, viewer: Member, member: Member) -> HttpResponse:
    try:
        services.remove_member_by(actor=viewer, member=member)
    except (services.InvalidChange, services.PermissionRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{member.user.display_name} was removed from the company.")
    return redirect("people:members")


@role_required(OWNER)
def teams(request: HttpRequest, viewer: Member) -> HttpResponse:
    status = 200
    form = TeamNameForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                team = services.create_team_by(actor=viewer, name=form.cleaned_data["name"])
            except services.InvalidChange as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, f"Team {team.name} created.")
                return redirect("people:team", team_id=team.pk)
        status = 400
    context = {
        "viewer": viewer,
        "company": viewer.company,
        "teams": selectors.list_company_teams(company_id=viewer.company_id),
        "form": form,
    }
    return render(request, "companies/teams.html", context, status=status)


def _team_context(viewer: Member, team: Team) -> dict[str, object]:
    return {
        "viewer": viewer,
        "company": viewer.company,
        "team": team,
        "memberships": selectors.list_team_memberships(team=team),
        "candidates": selectors.list_members_outside_team(team=team),
    }


@role_required(OWNER, find=TEAM)
def team(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    return render(request, "companies/team.html", _team_context(viewer, team))


def _after_team_change(
    request: HttpRequest, viewer: Member, team: Team, error: str | None, done: str
) -> HttpResponse:
    if is_htmx(request):
        context = _team_context(viewer, team) | {"error": error}
        # 200 even with an error: htmx swaps only successful answers, and the fragment shows it.
        return render(request, "companies/_team_members.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("people:team", team_id=team.pk)


@require_POST
@role_required(OWNER, find=TEAM)
def rename_team(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    form = TeamNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "a team needs a name of at most 200 characters")
    else:
        try:
            services.rename_team_by(actor=viewer, team=team, name=form.cleaned_data["name"])
        except services.InvalidChange as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Team renamed to {team.name}.")
    return redirect("people:team", team_id=team.pk)


@require_POST
@role_required(OWNER, find=TEAM)
def delete_team(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    services.delete_team_by(actor=viewer, team=team)
    messages.success(request, f"Team {team.name} deleted; its members stay in the company.")
    return redirect("people:teams")


@require_POST
@role_required(OWNER, find=TEAM)
def add_team_member(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    form = TeamMemberForm(request.POST)
    error = None
    done = ""
    if not form.is_valid():
        error = "choose a member to add"
    else:
        member = member_in_company(viewer, form.cleaned_data["member"])
        try:
            services.add_team_member_by(
                actor=viewer, team=team, member=member, is_manager=form.cleaned_data["is_manager"]
            )
        except services.InvalidChange as exc:
            error = str(exc)
        done = f"{member.user.display_name} added to {team.name}."
    return _after_team_change(request, viewer, team, error, done)


@require_POST
@role_required(OWNER, find=TEAM_AND_MEMBER)
def remove_team_member(
    request: HttpRequest, viewer: Member, team: Team, member: Member
) -> HttpResponse:
    services.remove_team_member_by(actor=viewer, team=team, member=member)
    done = f"{member.user.display_name} removed from {team.name}."
    return _after_team_change(request, viewer, team, None, done)


@require_POST
@role_required(OWNER, find=TEAM_AND_MEMBER)
def set_team_manager(
    request: HttpRequest, viewer: Member, team: Team, member: Member
) -> HttpResponse:
    form = ManagerFlagForm(request.POST)
    form.is_valid()  # a missing box means "not a manager", as a browser sends an unticked box
    is_manager = bool(form.cleaned_data.get("is_manager"))
    error = None
    try:
        services.set_team_manager_by(actor=viewer, team=team, member=member, is_manager=is_manager)
    except services.InvalidChange as exc:
        error = str(exc)
    verb = "now manages" if is_manager else "no longer manages"
    return _after_team_change(
        request, viewer, team, error, f"{member.user.display_name} {verb} {team.name}."
    )
