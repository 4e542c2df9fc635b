"""Dashboard pages. Thin: find the viewer's membership, ask a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from worklens_server.companies.selectors import get_member_for_user
from worklens_server.reports.selectors import company_today, get_team_today

#: How often the browser refreshes the table (seconds).
REFRESH_SECONDS = 30


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("reports:team_today")


@login_required
def team_today(request: HttpRequest) -> HttpResponse:
    viewer = get_member_for_user(user=request.user)  # type: ignore[arg-type]
    if viewer is None:
        return render(request, "reports/no_company.html", status=403)
    context = {
        "viewer": viewer,
        "company": viewer.company,
        "day": company_today(timezone_name=viewer.company.timezone),
        "rows": get_team_today(viewer=viewer),
        "refreshed_at": timezone.now(),
        "refresh_seconds": REFRESH_SECONDS,
    }
    if getattr(request, "htmx", False):
        return render(request, "reports/_team_today_table.html", context)
    return render(request, "reports/team_today.html", context)
