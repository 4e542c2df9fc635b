"""Timesheet pages: a member's week (or day, or range) by project and task, and a team's by
member. Thin: let the viewer in, find what the URL names among what they may see, read, render."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from worklens_server.companies.access import (
    MANAGER,
    OWNER,
    role_required,
    team_in_company,
    viewer_required,
)
from worklens_server.companies.models import Member, Team
from worklens_server.reports.member_day import find_visible_member
from worklens_server.reports.selectors import company_today
from worklens_server.timesheets.periods import BadPeriod, Period, parse_period
from worklens_server.timesheets.selectors import (
    get_member_timesheet,
    get_team_timesheet,
    get_visible_team,
    list_visible_teams,
)


@viewer_required
def home(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Owners and managers start at their people's week; everyone else at their own."""
    if viewer.role in (OWNER, MANAGER):
        return redirect("timesheets:team")
    return redirect("timesheets:member", member_id=viewer.pk)


def _period(request: HttpRequest, viewer: Member) -> Period:
    today = company_today(timezone_name=viewer.company.timezone, now=timezone.now())
    return parse_period(request.GET, today=today)


def _bad(request: HttpRequest, exc: BadPeriod) -> HttpResponse:
    return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)


@viewer_required
def member(request: HttpRequest, viewer: Member, member_id: uuid.UUID) -> HttpResponse:
    """One member's timesheet. A member the viewer may not see does not exist for them (404)."""
    shown = find_visible_member(viewer=viewer, member_id=member_id)
    if shown is None:
        raise Http404("No such member.")
    try:
        period = _period(request, viewer)
    except BadPeriod as exc:
        return _bad(request, exc)
    context = {
        "viewer": viewer,
        "member": shown,
        "sheet": get_member_timesheet(member=shown, period=period),
    }
    return render(request, "timesheets/member.html", context)


def _team_page(request: HttpRequest, viewer: Member, team: Team | None) -> HttpResponse:
    try:
        period = _period(request, viewer)
    except BadPeriod as exc:
        return _bad(request, exc)
    context = {
        "viewer": viewer,
        "team": team,
        "teams": list_visible_teams(viewer=viewer),
        "sheet": get_team_timesheet(viewer=viewer, period=period, team=team),
    }
    return render(request, "timesheets/team.html", context)


@role_required(OWNER, MANAGER)
def team(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Everyone the viewer may see, by member and day."""
    return _team_page(request, viewer, None)


@role_required(OWNER, MANAGER, find={"team_id": team_in_company})
def one_team(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    """One team by member and day: any team for an owner, their own for a manager (another
    team of the company does not exist for them)."""
    if get_visible_team(viewer=viewer, team_id=team.pk) is None:
        raise Http404("No such team.")
    return _team_page(request, viewer, team)
