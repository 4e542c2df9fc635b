"""Inviting people (owners, managers) and accepting an invitation (anyone with the link)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from worklens_server.companies.access import MANAGER, OWNER, role_required, viewer_required
from worklens_server.companies.models import Member
from worklens_server.companies.people_views import members_context
from worklens_server.companies.services import PermissionRefused
from worklens_server.invitations.forms import AcceptInvitationForm, invite_form_for
from worklens_server.invitations.selectors import get_visible_pending_invitation
from worklens_server.invitations.services import (
    InvitationRefused,
    accept_invitation,
    cancel_invitation_by,
    find_invitation_by_token,
    invite_member_by,
)
from worklens_server.policies.selectors import get_policy_in_plain_words


@require_POST
@role_required(OWNER, MANAGER)
def invite(request: HttpRequest, viewer: Member) -> HttpResponse:
    form = invite_form_for(viewer, request.POST)
    if form.is_valid():
        try:
            sent = invite_member_by(
                actor=viewer,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                site_url=request.build_absolute_uri("/"),
            )
        except (InvitationRefused, PermissionRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Invitation sent to {sent.invitation.email}.")
            return redirect("people:members")
    context = members_context(viewer) | {"invite_form": form}
    return render(request, "companies/members.html", context, status=400)


@require_POST
@viewer_required
def cancel(request: HttpRequest, viewer: Member, invitation_id: uuid.UUID) -> HttpResponse:
    # Invisible (another company's, another team's, or any for an employee) is a 404.
    invitation = get_visible_pending_invitation(viewer=viewer, invitation_id=invitation_id)
    if invitation is None:
        raise Http404("no such invitation")
    try:
        cancel_invitation_by(actor=viewer, invitation=invitation)
    except PermissionRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, f"Invitation of {invitation.email} withdrawn.")
    return redirect("people:members")


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Set a password; the account is created and signed in, and the collection policy page
    (acknowledgement, then the first enrollment code) comes next."""
    try:
        invitation = find_invitation_by_token(token=token)
    except InvitationRefused as exc:
        return render(request, "invitations/refused.html", {"reason": str(exc)}, status=404)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                token=token,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except InvitationRefused as exc:
            return render(request, "invitations/refused.html", {"reason": str(exc)}, status=409)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("policies:acknowledge")
    context = {
        "invitation": invitation,
        "form": form,
        "policy": get_policy_in_plain_words(
            company_id=invitation.company_id, team_id=invitation.team_id
        ),
    }
    return render(request, "invitations/accept.html", context, status=400 if form.errors else 200)
