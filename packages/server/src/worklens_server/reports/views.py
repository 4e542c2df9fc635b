"""Dashboard pages. Thin: find the viewer's membership, ask a selector, render."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from worklens_server.alerts.selectors import list_open_alerts
from worklens_server.companies.access import is_htmx, viewer_required
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_member_for_user
from worklens_server.reports.day_param import BadDay, parse_day
from worklens_server.reports.member_day import find_visible_member, get_member_day
from worklens_server.reports.selectors import company_today, get_team_today

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
        {"viewer": viewer, "member_day": get_member_day(member=member, day=day)},
    )
