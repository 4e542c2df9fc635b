"""Timesheet pages: a member's week (or day, or range) by project and task, with their changes and
the week's approval, and a team's by member. Thin: let the viewer in, find what the URL names
among what they may see, read, render."""

from __future__ import annotations

import datetime as dt
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
from worklens_server.timesheets.forms import AddTimeForm, TrimForm
from worklens_server.timesheets.models import WeekEvent
from worklens_server.timesheets.periods import (
    BadPeriod,
    Period,
    local_bounds,
    parse_period,
    week_of,
)
from worklens_server.timesheets.selectors import (
    Timesheet,
    get_member_timesheet,
    get_team_timesheet,
    get_visible_team,
    list_visible_teams,
)
from worklens_server.timesheets.selectors.changes import (
    get_settings,
    list_changes,
    list_entries,
    may_decide,
)
from worklens_server.timesheets.selectors.weeks import get_week, list_weeks_overlapping
from worklens_server.tracking.local_days import zone


@viewer_required
def home(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Owners and managers start at their people's week; everyone else at their own."""
    if viewer.role in (OWNER, MANAGER):
        return redirect("timesheets:team")
    return redirect("timesheets:member", member_id=viewer.pk)


def period_of(request: HttpRequest, viewer: Member) -> Period:
    company = viewer.company
    today = company_today(timezone_name=company.timezone, now=timezone.now())
    return parse_period(request.GET, today=today, week_starts_on=company.week_starts_on)


def bad_period(request: HttpRequest, exc: BadPeriod) -> HttpResponse:
    return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)


def visible_member(viewer: Member, member_id: uuid.UUID) -> Member:
    shown = find_visible_member(viewer=viewer, member_id=member_id)
    if shown is None:  # a member the viewer may not see does not exist for them
        raise Http404("No such member.")
    return shown


def member_page(
    request: HttpRequest,
    viewer: Member,
    shown: Member,
    period: Period,
    *,
    add_form: AddTimeForm | None = None,
    trim_form: TrimForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The member's timesheet with their changes of the period and, for a week, its approval;
    their own page also holds the forms to add and trim time (bound ones show their errors)."""
    zone_name = shown.timezone
    first, after = local_bounds(period.start, period.end, zone_name)
    own = viewer.pk == shown.pk
    week = week_of(period.start, starts_on=shown.company.week_starts_on)
    # Every stored week holding a day shown: the week of the company's first weekday, and any
    # submitted before the owner changed it (with their own seven days), so none is hidden.
    stored = list_weeks_overlapping(member=shown, first_day=period.start, last_day=period.end)
    this_week = next((w for w in stored if w.week_start == week.start), None)
    context = {
        "viewer": viewer,
        "member": shown,
        "sheet": get_member_timesheet(member=shown, period=period),
        "changes": list_changes(member=shown, first=first, after=after),
        "own": own,
        "decides": may_decide(viewer=viewer, member=shown),
        "week_period": week,
        "week": this_week if period.kind == "week" else None,
        "other_weeks": [w for w in stored if w is not this_week] if period.kind == "week" else [],
        "locked_weeks": [w for w in stored if w.is_locked],
        "week_started": week.start <= company_today(timezone_name=zone_name),
        "needs_approval": get_settings(company_id=shown.company_id).changes_need_approval,
        "page_path": request.get_full_path(),
    }
    if own:
        context["entries"] = list_entries(member=shown, first=first, after=after)
        context["add_form"] = add_form or AddTimeForm(
            zone_name=zone_name, member_id=shown.pk, company_id=shown.company_id
        )
        context["trim_form"] = trim_form or TrimForm(zone_name=zone_name)
    return render(request, "timesheets/member.html", context, status=status)


@viewer_required
def member(request: HttpRequest, viewer: Member, member_id: uuid.UUID) -> HttpResponse:
    """One member's timesheet by project and task, with their changes and the week's state."""
    shown = visible_member(viewer, member_id)
    try:
        period = period_of(request, viewer)
    except BadPeriod as exc:
        return bad_period(request, exc)
    return member_page(request, viewer, shown, period)


@viewer_required
def member_export(
    request: HttpRequest, viewer: Member, member_id: uuid.UUID, fmt: str
) -> HttpResponse:
    """The member's timesheet as the page shows it, as a CSV, XLSX or PDF file."""
    shown = visible_member(viewer, member_id)
    try:
        period = period_of(request, viewer)
    except BadPeriod as exc:
        return bad_period(request, exc)
    heading = ExportHeading(
        title=f"Timesheet of {shown.user.display_name}",
        company=shown.company.name,
        timezone=shown.timezone,
        first_column="Project",
        second_column="Task",
        approval=_approval_line(shown, period),
    )
    sheet = get_member_timesheet(member=shown, period=period)
    return _file(sheet, heading, fmt, f"timesheet-{shown.user.display_name}")


def _approval_line(shown: Member, period: Period) -> str:
    """For the PDF of an approved week: who approved it and when, instead of a line to sign. A
    week submitted before the first weekday changed is downloaded as the range of its days."""
    if period.length != dt.timedelta(days=7):
        return ""
    week = get_week(member=shown, week_start=period.start)
    if week is None or not week.is_locked:
        return ""
    approved = [e for e in week.events.all() if e.action == WeekEvent.Action.APPROVED][-1]
    by = approved.by.user.display_name if approved.by else "a deleted account"
    moment = approved.at.astimezone(zone(shown.timezone))
    return f"Approved in WorkLens by {by} on {moment:%d %b %Y %H:%M} ({shown.timezone})."


def _team_page(request: HttpRequest, viewer: Member, team: Team | None) -> HttpResponse:
    try:
        period = period_of(request, viewer)
    except BadPeriod as exc:
        return bad_period(request, exc)
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
        period = period_of(request, viewer)
    except BadPeriod as exc:
        return bad_period(request, exc)
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
