"""The collection policy pages: what is collected about me and my acknowledgement of it, and the
owner's page that changes the policy."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from worklens_server.companies.access import (
    OWNER,
    is_htmx,
    owner_only_page,
    role_required,
    viewer_required,
)
from worklens_server.companies.models import Member
from worklens_server.devices.services import issue_enrollment
from worklens_server.devices.views import enroll_command
from worklens_server.policies.forms import PolicyForm
from worklens_server.policies.selectors import (
    get_company_policy,
    get_latest_acknowledgement,
    get_policy_in_plain_words,
    preview_policy_in_plain_words,
)
from worklens_server.policies.services import PolicyChanged, acknowledge_policy, update_policy


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    confirm = forms.BooleanField(
        error_messages={"required": "tick the box to confirm you read what is collected"}
    )


@viewer_required
def acknowledge(request: HttpRequest, viewer: Member) -> HttpResponse:
    """GET shows the policy in plain words; POST records the acknowledgement of the version
    shown and issues an enrollment code, which only then can enroll a device."""
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                acknowledge_policy(member=viewer, version=form.cleaned_data["version"])
            except PolicyChanged as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                issued = issue_enrollment(member=viewer)
                context = {"issued": issued, "command": enroll_command(request, issued.code)}
                return render(request, "policies/acknowledged.html", context)
        else:
            status = 400
    context = {
        "company": viewer.company,
        "policy": get_policy_in_plain_words(company_id=viewer.company_id),
        "latest": get_latest_acknowledgement(member_id=viewer.pk),
        "form": form,
    }
    return render(request, "policies/acknowledge.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(OWNER, refused=owner_only_page)
def edit_policy(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The owner changes what is collected. GET shows the form and the text members read now;
    POST with `preview` shows the text the form's values would give (htmx swaps just that part on
    every change), a plain POST saves: a new version members are asked to acknowledge."""
    current = get_company_policy(company_id=viewer.company_id)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_from(current))
    preview = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif "preview" in request.POST:
            preview = preview_policy_in_plain_words(
                company_id=viewer.company_id, changes=form.policy_values()
            )
        else:
            try:
                policy = update_policy(
                    company=viewer.company,
                    expected_version=form.cleaned_data["version"],
                    **form.policy_values(),
                )
            except PolicyChanged as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                if policy.version == current.version:
                    messages.info(
                        request, f"Nothing changed; the policy stays at version {policy.version}."
                    )
                else:
                    messages.success(
                        request,
                        f"Saved as version {policy.version}. Every member is asked to "
                        "acknowledge it; agents pick it up within 5 minutes.",
                    )
                return redirect("policies:edit")
    context = {
        "company": viewer.company,
        "form": form,
        "current": get_policy_in_plain_words(company_id=viewer.company_id),
        "preview": preview,
    }
    if is_htmx(request) and "preview" in request.POST:
        # htmx does not swap error responses, so the partial carries the errors with a 200.
        return render(request, "policies/_policy_preview.html", context)
    return render(request, "policies/edit.html", context, status=status)
