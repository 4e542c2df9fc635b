"""The owner's alert settings page. Thin: the gate, the form, one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from worklens_server.alerts.conditions import get_alert_settings
from worklens_server.alerts.forms import AlertSettingsForm
from worklens_server.alerts.services import save_alert_settings
from worklens_server.companies.access import OWNER, role_required
from worklens_server.companies.models import Member


@login_required
@require_http_methods(["GET", "POST"])
@role_required(OWNER)
def alert_settings(request: HttpRequest, member: Member) -> HttpResponse:
    company = member.company
    form = AlertSettingsForm(request.POST or None, instance=get_alert_settings(company=company))
    if request.method == "POST" and form.is_valid():
        save_alert_settings(company=company, values=form.values())
        messages.success(request, "The alert settings are saved.")
        return redirect("alerts:settings")
    return render(
        request, "alerts/settings.html", {"form": form, "company": company, "viewer": member}
    )
