"""Apps and sites pages: the report (a member, a team, everyone the viewer sees) and the
labelling page. Thin: let the viewer in, find what the URL names among what they may see, read
through a selector or write through the service, render."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from worklens_server.companies.access import (
    MANAGER,
    OWNER,
    is_htmx,
    role_required,
    team_in_company,
    viewer_required,
)
from worklens_server.companies.models import Member, Team
from worklens_server.insights.forms import LabelForm
from worklens_server.insights.periods import BadPeriod, ReportPeriod, parse_report_period
from worklens_server.insights.selectors.fair import DayActivity, get_fair_activity
from worklens_server.insights.selectors.report import get_apps_report
from worklens_server.insights.selectors.unlabelled import LabelRow, get_label_page
from worklens_server.insights.services import LabelRefused, clean_name, may_label, set_label
from worklens_server.reports.member_day import find_visible_member
from worklens_server.reports.selectors import company_today
from worklens_server.timesheets.selectors import get_visible_team, list_visible_teams


def _period(request: HttpRequest, viewer: Member) -> ReportPeriod:
    today = company_today(timezone_name=viewer.company.timezone, now=timezone.now())
    return parse_report_period(
        request.GET, today=today, week_starts_on=viewer.company.week_starts_on
    )


def _bad(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "reports/bad_input.html", {"message": message}, status=status)


@viewer_required
def home(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Owners and managers start at everyone they see; everyone else at their own report."""
    if viewer.role in (OWNER, MANAGER):
        return redirect("insights:everyone")
    return redirect("insights:member", member_id=viewer.pk)


def _report(
    request: HttpRequest, viewer: Member, *, team: Team | None = None, member: Member | None = None
) -> HttpResponse:
    try:
        period = _period(request, viewer)
    except BadPeriod as exc:
        return _bad(request, str(exc))
    report = get_apps_report(viewer=viewer, period=period, team=team, member=member)
    activity: list[DayActivity] = []
    total = DayActivity(period.start)
    if member is not None:
        days = get_fair_activity(member=member, first_day=period.start, last_day=period.end)
        activity = [days[day] for day in sorted(days)]
        for day in activity:
            total.add(day)
    context = {
        "viewer": viewer,
        "team": team,
        "member": member,
        "teams": list_visible_teams(viewer=viewer) if viewer.role in (OWNER, MANAGER) else [],
        "report": report,
        "period": period,
        "activity": activity,
        "activity_total": total,
    }
    return render(request, "insights/report.html", context)


@role_required(OWNER, MANAGER)
def everyone(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Everyone the viewer may see: the company for the owner, their teams for a manager."""
    return _report(request, viewer)


@role_required(OWNER, MANAGER, find={"team_id": team_in_company})
def one_team(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    if get_visible_team(viewer=viewer, team_id=team.pk) is None:
        raise Http404("No such team.")
    return _report(request, viewer, team=team)


@viewer_required
def member(request: HttpRequest, viewer: Member, member_id: uuid.UUID) -> HttpResponse:
    """One member's apps, score per day and fair activity; an employee sees only their own."""
    shown = find_visible_member(viewer=viewer, member_id=member_id)
    if shown is None:
        raise Http404("No such member.")
    return _report(request, viewer, member=shown)


def _label_team(viewer: Member, value: object) -> Team | None:
    """The team a query or form names, looked up in the viewer's company (else 404)."""
    if not value:
        return None
    try:
        team_id = uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such team.") from None
    return team_in_company(viewer, team_id)


@viewer_required
def labels(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The company's labels (owner), or a team's overrides (`?team=`: the owner, or the team's
    manager): what was seen in the last 30 days, unlabelled first. The team is looked up before
    the role, so another company's team is a 404 whoever asks."""
    team = _label_team(viewer, request.GET.get("team"))
    if viewer.role not in (OWNER, MANAGER):
        raise PermissionDenied("only owners and managers label apps")
    teams = list_visible_teams(viewer=viewer)
    if team is None and viewer.role == MANAGER:
        if not teams:
            return _bad(request, "You manage no team, so there are no labels for you to set.", 403)
        return redirect(f"{request.path}?team={teams[0].pk}")
    if not may_label(viewer=viewer, team=team):
        raise Http404("No such team.")
    today = company_today(timezone_name=viewer.company.timezone, now=timezone.now())
    context = {
        "viewer": viewer,
        "team": team,
        "teams": teams,
        "page": get_label_page(viewer=viewer, team=team, today=today),
    }
    return render(request, "insights/labels.html", context)


@require_POST
@viewer_required
def label(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Set or remove one label; htmx gets the row back, a plain form post the page. The team
    in the form is looked up before the role, as on the page."""
    team = _label_team(viewer, request.POST.get("team"))
    if viewer.role not in (OWNER, MANAGER):
        raise PermissionDenied("only owners and managers label apps")
    form = LabelForm(request.POST)
    if not form.is_valid():
        errors = (f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        return _bad(request, "; ".join(errors))
    try:
        set_label(
            viewer=viewer,
            team=team,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            productivity=form.cleaned_data["productivity"],
            active_without_input=form.cleaned_data["active_without_input"],
        )
    except LabelRefused as exc:
        return _bad(request, str(exc), 403)
    if not is_htmx(request):
        query = f"?team={team.pk}" if team else ""
        return redirect(f"{request.path.removesuffix('set/')}{query}")
    today = company_today(timezone_name=viewer.company.timezone, now=timezone.now())
    page = get_label_page(viewer=viewer, team=team, today=today)
    kind = form.cleaned_data["kind"]
    name = clean_name(kind=kind, name=form.cleaned_data["name"])
    row = next(
        (r for r in page.unlabelled + page.labelled if (r.kind, r.name) == (kind, name)),
        LabelRow(kind=kind, name=name, seconds=0, label=None, company_label=None),
    )
    return render(request, "insights/_label_row.html", {"row": row, "team": team, "saved": True})
