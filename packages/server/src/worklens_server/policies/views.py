"""The collection policy page: what is collected about me, and my acknowledgement of it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from worklens_server.companies.access import viewer_required
from worklens_server.companies.models import Member
from worklens_server.devices.services import issue_enrollment
from worklens_server.devices.views import enroll_command
from worklens_server.policies.selectors import (
    get_latest_acknowledgement,
    get_policy_in_plain_words,
)
from worklens_server.policies.services import PolicyChanged, acknowledge_policy


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
