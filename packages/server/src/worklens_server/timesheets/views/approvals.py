"""What waits for an approver (weeks submitted, changes asked for), and the owners' timesheet
settings. Thin: let the viewer in, read, render; one service for the settings."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from worklens_server.companies.access import MANAGER, OWNER, role_required, viewer_required
from worklens_server.companies.models import Member
from worklens_server.timesheets.forms import TimesheetSettingsForm
from worklens_server.timesheets.selectors import get_visible_team, list_visible_teams
from worklens_server.timesheets.selectors.changes import get_settings, list_pending_changes
from worklens_server.timesheets.selectors.weeks import list_waiting_weeks
from worklens_server.timesheets.services.company_settings import set_timesheet_settings


@viewer_required
def approvals(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Weeks and changes waiting for the viewer's decision, of everyone they decide for or of
    one team (`?team=`); a team they do not manage does not exist for them."""
    team = None
    if request.GET.get("team"):
        try:
            team_id = uuid.UUID(request.GET["team"])
        except ValueError:
            raise Http404("No such team.") from None
        team = get_visible_team(viewer=viewer, team_id=team_id)
        if team is None:
            raise Http404("No such team.")
    if viewer.role not in (OWNER, MANAGER):
        raise PermissionDenied("only owners and managers approve time")
    context = {
        "viewer": viewer,
        "team": team,
        "teams": list_visible_teams(viewer=viewer),
        "weeks": list_waiting_weeks(viewer=viewer, team=team),
        "changes": list_pending_changes(viewer=viewer, team=team),
        "needs_approval": get_settings(company_id=viewer.company_id).changes_need_approval,
        "page_path": request.get_full_path(),
    }
    return render(request, "timesheets/approvals.html", context)


@require_http_methods(["GET", "POST"])
@role_required(OWNER)
def timesheet_settings(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Whether manual time and edits wait for approval, for the owners to change."""
    current = get_settings(company_id=viewer.company_id)
    form = TimesheetSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"changes_need_approval": current.changes_need_approval},
    )
    if request.method == "POST" and form.is_valid():
        set_timesheet_settings(
            by=viewer, changes_need_approval=bool(form.cleaned_data["changes_need_approval"])
        )
        messages.success(request, "The timesheet settings are saved.")
        return redirect("timesheets:settings")
    context = {"viewer": viewer, "form": form, "settings": current}
    return render(request, "timesheets/settings.html", context)
