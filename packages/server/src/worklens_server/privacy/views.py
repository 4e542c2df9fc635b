"""My Account, "what is collected about me", export, deletion, and the audited screenshot
images. Thin: find the person's membership, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from worklens_server.accounts.models import User
from worklens_server.alerts.selectors import list_alerts_about
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_member_for_user, get_owned_membership
from worklens_server.policies.history import list_policy_history_about
from worklens_server.policies.selectors import get_policy_status
from worklens_server.privacy import deletion
from worklens_server.privacy.export import write_personal_export
from worklens_server.privacy.forms import PasswordConfirmationForm, PersonalDetailsForm
from worklens_server.privacy.models import ScreenshotAccess
from worklens_server.privacy.notices import send_company_cancelled
from worklens_server.privacy.selectors import list_screenshot_accesses_about
from worklens_server.privacy.services import (
    open_screenshot,
    remove_optional_personal_data,
    update_personal_details,
)
from worklens_server.reports.day_param import BadDay, parse_day
from worklens_server.reports.member_day import get_member_day
from worklens_server.reports.timeline import get_member_timeline


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PersonalDetailsForm(initial={"full_name": user.full_name, "timezone": user.timezone})
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            remove_optional_personal_data(user=user)
            messages.success(
                request, "Your name and time zone were removed. Your account keeps only your login."
            )
            return redirect("privacy:account")
        form = PersonalDetailsForm(request.POST)
        if form.is_valid():
            update_personal_details(
                user=user,
                full_name=form.cleaned_data["full_name"],
                timezone=form.cleaned_data["timezone"],
            )
            messages.success(request, "Your details were saved.")
            return redirect("privacy:account")
    return render(
        request,
        "privacy/account.html",
        {"form": form, "memberships": Member.objects.filter(user=user).select_related("company")},
    )


@login_required
@require_GET
def collected(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    member = get_member_for_user(user=user)
    context: dict[str, object] = {
        "member": member,
        "accesses": list_screenshot_accesses_about(user=user),
    }
    if member is not None:
        try:
            day = parse_day(request.GET.get("day"), timezone_name=member.timezone)
        except BadDay as exc:
            return render(request, "reports/bad_input.html", {"message": str(exc)}, status=400)
        context["member_day"] = get_member_day(member=member, day=day)
        context["timeline"] = get_member_timeline(member=member, day=day)
        context["devices"] = member.devices.order_by("enrolled_at")
        # The policy that applies to them, where each setting comes from, and its history.
        state = get_policy_status(member_id=member.pk, company_id=member.company_id)
        context["company"] = member.company
        context["policy_state"] = state
        context["policy"] = state.words
        context["rows"] = state.resolved.rows()
        context["history"] = list_policy_history_about(member=member)
        context["alerts"] = list_alerts_about(member=member, now=timezone.now())
    return render(request, "privacy/collected.html", context)


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    user = _user(request)
    archive = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_personal_export(user=user, destination=archive)
    archive.seek(0)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"worklens-export-{dt.date.today():%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordConfirmationForm(request.POST or None)
    error = None
    try:
        companies_going = deletion.check_account_deletion(user=user)
    except deletion.DeletionRefused as exc:
        return render(request, "privacy/delete_account.html", {"refused": str(exc)}, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            deletion.confirm_password(user=user, password=form.cleaned_data["password"])
            report = deletion.delete_own_account(user=user)
        except deletion.DeletionRefused as exc:
            error = str(exc)
        else:
            logout(request)
            return render(request, "privacy/deleted.html", {"report": report, "what": "account"})
    return render(
        request,
        "privacy/delete_account.html",
        {"form": form, "error": error, "companies_going": companies_going},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_company(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    owner = get_owned_membership(user=user)
    if owner is None:
        return render(
            request,
            "privacy/cancel_company.html",
            {"refused": "Only an owner of a company can cancel it."},
            status=403,
        )
    company = owner.company
    form = PasswordConfirmationForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        email, company_name = user.email, company.name  # both are gone after the deletion
        try:
            deletion.confirm_password(user=user, password=form.cleaned_data["password"])
            report = deletion.cancel_company(
                company=company,
                requested_by=owner,
                on_done=lambda: send_company_cancelled(to=email, company_name=company_name),
            )
        except deletion.DeletionRefused as exc:
            error = str(exc)
        else:
            if not User.objects.filter(pk=user.pk).exists():
                logout(request)
            return render(
                request,
                "privacy/deleted.html",
                {"report": report, "what": "company", "company_name": company_name},
            )
    return render(
        request,
        "privacy/cancel_company.html",
        {"form": form, "error": error, "company": company},
        status=400 if error else 200,
    )


def _serve_screenshot(request: HttpRequest, screenshot_id: uuid.UUID, variant: str) -> HttpResponse:
    viewer = get_member_for_user(user=_user(request))
    image = None
    if viewer is not None:
        image = open_screenshot(
            viewer=viewer,
            screenshot_id=screenshot_id,
            variant=variant,
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
    if image is None:
        raise Http404("No such screenshot.")
    response = HttpResponse(image.data, content_type=image.content_type)
    # Never from a cache: each look at a screenshot must reach the server and be audited.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def screenshot(request: HttpRequest, screenshot_id: uuid.UUID) -> HttpResponse:
    return _serve_screenshot(request, screenshot_id, ScreenshotAccess.Variant.FULL)


@login_required
@require_GET
def screenshot_thumbnail(request: HttpRequest, screenshot_id: uuid.UUID) -> HttpResponse:
    return _serve_screenshot(request, screenshot_id, ScreenshotAccess.Variant.THUMBNAIL)
