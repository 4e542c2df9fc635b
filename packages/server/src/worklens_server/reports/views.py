"""Dashboard pages. Thin: find the viewer's membership, ask a selector, render."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from worklens_server.alerts.selectors import list_open_alerts
from worklens_server.companies.access import is_htmx, viewer_required
from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_member_for_user
from worklens_server.reports.day_param import BadDay, parse_day
from worklens_server.reports.gallery import get_gallery
from worklens_server.reports.member_day import find_visible_member, get_member_day
from worklens_server.reports.selectors import company_today, get_team_today, list_day_members
from worklens_server.reports.slot_details import BadStretch, get_slot_details, parse_stretch
from worklens_server.reports.timeline import get_member_timeline, get_team_timeline
from worklens_server.timesheets.selectors.sheets import get_visible_team, list_visible_teams

#: How often the browser refreshes the table (seconds).
REFRESH_SECONDS = 30


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("reports:team_today")


@viewer_required
def team_today(request: HttpRequest, viewer: Member) -> HttpResponse:
    now = timezone.now()  # one instant: the heading's day is the day of the totals below it
    alerts = list_open_alerts(viewer=viewer)
    context = {
        "viewer": viewer,
        "company": viewer.company,
        "day": company_today(timezone_name=viewer.company.timezone, now=now),
        "rows": get_team_today(viewer=viewer, now=now),
        "refreshed_at": now,
        "refresh_seconds": REFRESH_SECONDS,
        "alerts": alerts,
        "alert_members": {str(alert.member_id) for alert in alerts},
    }
    if is_htmx(request):
        return render(request, "reports/_team_today_table.html", context)
    return render(request, "reports/team_today.html", context)


@login_required
def member_activity(request: HttpRequest, member_id: uuid.UUID) -> HttpResponse:
    """One member's day: timesheet, activity, screenshots, apps and URLs. A member the viewer
    may not see does not exist for them (404), in their company or any other."""
    viewer = get_member_for_user(user=request.user)  # type: ignore[arg-type]
    member = None if viewer is None else find_visible_member(viewer=viewer, member_id=member_id)
    if member is None:
        raise Http404("No such member.")
    try:
        day = parse_day(request.GET.get("day"), timezone_name=member.timezone)
    except BadDay as exc:
        return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)
    return render(
        request,
        "reports/member_activity.html",
        {
            "viewer": viewer,
            "member_day": get_member_day(member=member, day=day),
            "timeline": get_member_timeline(member=member, day=day),
        },
    )


def _visible_member(request: HttpRequest, member_id: uuid.UUID) -> tuple[Member, Member]:
    """The viewer and the member they may see, else 404 (in their company or any other)."""
    viewer = get_member_for_user(user=request.user)  # type: ignore[arg-type]
    member = None if viewer is None else find_visible_member(viewer=viewer, member_id=member_id)
    if viewer is None or member is None:
        raise Http404("No such member.")
    return viewer, member


@login_required
def slot_details(request: HttpRequest, member_id: uuid.UUID) -> HttpResponse:
    """What a slot of a member's timeline held: its screenshots, apps and titles."""
    viewer, member = _visible_member(request, member_id)
    try:
        start, seconds = parse_stretch(request.GET.get("start"), request.GET.get("seconds"))
    except BadStretch as exc:
        return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)
    context = {
        "viewer": viewer,
        "details": get_slot_details(member=member, started_at=start, seconds=seconds),
    }
    if is_htmx(request):
        return render(request, "reports/_slot_details.html", context)
    return render(request, "reports/slot_details.html", context)


@login_required
def member_gallery(request: HttpRequest, member_id: uuid.UUID) -> HttpResponse:
    viewer, member = _visible_member(request, member_id)
    try:
        day = parse_day(request.GET.get("day"), timezone_name=member.timezone)
    except BadDay as exc:
        return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)
    return render(
        request,
        "reports/gallery.html",
        {"viewer": viewer, "member": member, "gallery": get_gallery(members=[member], day=day)},
    )


def _team_day(request: HttpRequest, viewer: Member) -> tuple[Team | None, list[Member], dt.date]:
    """The team pages' `?team=` (one the viewer may see, else 404) and `?day=`."""
    team = None
    if request.GET.get("team"):
        try:
            team_id = uuid.UUID(request.GET["team"])
        except ValueError:
            raise Http404("No such team.") from None
        team = get_visible_team(viewer=viewer, team_id=team_id)
        if team is None:
            raise Http404("No such team.")
    day = parse_day(request.GET.get("day"), timezone_name=viewer.timezone)
    return team, list_day_members(viewer=viewer, team=team), day


@viewer_required
def team_timeline(request: HttpRequest, viewer: Member) -> HttpResponse:
    """One row per member the viewer may see (or of one team), each their own day."""
    try:
        team, members, day = _team_day(request, viewer)
    except BadDay as exc:
        return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)
    return render(
        request,
        "reports/team_timeline.html",
        {
            "viewer": viewer,
            "team": team,
            "teams": list_visible_teams(viewer=viewer),
            "timeline": get_team_timeline(members=members, day=day),
        },
    )


@viewer_required
def team_gallery(request: HttpRequest, viewer: Member) -> HttpResponse:
    try:
        team, members, day = _team_day(request, viewer)
    except BadDay as exc:
        return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)
    return render(
        request,
        "reports/gallery.html",
        {
            "viewer": viewer,
            "team": team,
            "teams": list_visible_teams(viewer=viewer),
            "gallery": get_gallery(members=members, day=day),
        },
    )
