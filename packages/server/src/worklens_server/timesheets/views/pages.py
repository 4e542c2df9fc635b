"""Timesheet pages: a member's week (or day, or range) by project and task, and a team's by
member. Thin: let the viewer in, find what the URL names among what they may see, read, render."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

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
from worklens_server.timesheets.exports import (
    ExportHeading,
    timesheet_csv,
    timesheet_pdf,
    timesheet_xlsx,
)
from worklens_server.timesheets.periods import BadPeriod, Period, parse_period
from worklens_server.timesheets.selectors import (
    Timesheet,
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


def _visible_member(viewer: Member, member_id: uuid.UUID) -> Member:
    shown = find_visible_member(viewer=viewer, member_id=member_id)
    if shown is None:  # a member the viewer may not see does not exist for them
        raise Http404("No such member.")
    return shown


@viewer_required
def member(request: HttpRequest, viewer: Member, member_id: uuid.UUID) -> HttpResponse:
    """One member's timesheet by project and task."""
    shown = _visible_member(viewer, member_id)
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


@viewer_required
def member_export(
    request: HttpRequest, viewer: Member, member_id: uuid.UUID, fmt: str
) -> HttpResponse:
    """The member's timesheet as the page shows it, as a CSV, XLSX or PDF file."""
    shown = _visible_member(viewer, member_id)
    try:
        period = _period(request, viewer)
    except BadPeriod as exc:
        return _bad(request, exc)
    heading = ExportHeading(
        title=f"Timesheet of {shown.user.display_name}",
        company=shown.company.name,
        timezone=shown.company.timezone,
        first_column="Project",
        second_column="Task",
    )
    sheet = get_member_timesheet(member=shown, period=period)
    return _file(sheet, heading, fmt, f"timesheet-{shown.user.display_name}")


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


def _team_export(request: HttpRequest, viewer: Member, team: Team | None, fmt: str) -> HttpResponse:
    try:
        period = _period(request, viewer)
    except BadPeriod as exc:
        return _bad(request, exc)
    name = viewer.company.name if team is None else team.name
    heading = ExportHeading(
        title=f"Timesheets of {name}",
        company=viewer.company.name,
        timezone=viewer.company.timezone,
        first_column="Member",
        second_column="E-mail",
    )
    sheet = get_team_timesheet(viewer=viewer, period=period, team=team)
    return _file(sheet, heading, fmt, f"timesheets-{name}")


@role_required(OWNER, MANAGER)
def team_export(request: HttpRequest, viewer: Member, fmt: str) -> HttpResponse:
    return _team_export(request, viewer, None, fmt)


@role_required(OWNER, MANAGER, find={"team_id": team_in_company})
def one_team_export(request: HttpRequest, viewer: Member, team: Team, fmt: str) -> HttpResponse:
    if get_visible_team(viewer=viewer, team_id=team.pk) is None:
        raise Http404("No such team.")
    return _team_export(request, viewer, team, fmt)


_FORMATS = {
    "csv": (timesheet_csv, "text/csv; charset=utf-8"),
    "xlsx": (
        timesheet_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pdf": (timesheet_pdf, "application/pdf"),
}


def _file(sheet: Timesheet, heading: ExportHeading, fmt: str, name: str) -> HttpResponse:
    if fmt not in _FORMATS:
        raise Http404("No such format: csv, xlsx or pdf.")
    render_file, content_type = _FORMATS[fmt]
    response = HttpResponse(render_file(sheet, heading), content_type=content_type)
    filename = f"{slugify(name)}-{sheet.period.start}-{sheet.period.end}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
