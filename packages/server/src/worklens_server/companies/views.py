"""Founding a company after signing up, and the owner's company settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from worklens_server.accounts.models import User
from worklens_server.companies.access import OWNER, owner_only_page, role_required
from worklens_server.companies.forms import CompanyDetailsForm, CompanySettingsForm
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_member_for_user
from worklens_server.companies.services import register_company, update_company_settings


@login_required
@require_http_methods(["GET", "POST"])
def create_company(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    if get_member_for_user(user=request.user) is not None:
        return redirect("reports:team_today")
    form = CompanyDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = register_company(owner=request.user, **form.details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{company.name} is set up. You are its owner.")
            return redirect("reports:team_today")
    return render(request, "companies/create.html", {"form": form})


def _create_company_first(request: HttpRequest) -> HttpResponse:
    return redirect("companies:create")


@login_required
@require_http_methods(["GET", "POST"])
@role_required(OWNER, refused=owner_only_page, no_company=_create_company_first)
def company_settings(request: HttpRequest, member: Member) -> HttpResponse:
    company = member.company
    form = CompanySettingsForm(
        request.POST or None,
        initial={
            "name": company.name,
            "address": company.address,
            "phone": company.phone,
            "country": company.country,
            "vat_number": company.vat_number,
            "require_manager_2fa": company.require_manager_2fa,
            "currency": company.currency,
            "timezone": company.timezone,
            "week_starts_on": company.week_starts_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        update_company_settings(
            company=company,
            require_manager_2fa=bool(form.cleaned_data["require_manager_2fa"]),
            currency=form.cleaned_data["currency"],
            timezone=form.cleaned_data["timezone"],
            week_starts_on=form.cleaned_data["week_starts_on"],
            **form.details(),
        )
        messages.success(request, "The company settings are saved.")
        return redirect("companies:settings")
    return render(request, "companies/settings.html", {"form": form, "company": company})
