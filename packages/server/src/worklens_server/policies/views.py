"""The collection policy pages: what is collected about me and my acknowledgement of it, the
owner's company policy page and its history, and the settings of one team or one member."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from worklens_server.companies.access import (
    MANAGER,
    OWNER,
    is_htmx,
    owner_only_page,
    role_required,
    viewer_required,
)
from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import list_team_memberships
from worklens_server.devices.services import issue_enrollment
from worklens_server.devices.views import enroll_command
from worklens_server.policies import rules
from worklens_server.policies.forms import OverrideForm, PolicyForm
from worklens_server.policies.history import list_policy_history, list_policy_history_about
from worklens_server.policies.plain_words import describe_policy
from worklens_server.policies.selectors import (
    fields_actor_may_change,
    get_company_policy,
    get_effective_resolutions,
    get_member_in_policy_reach,
    get_policy_in_plain_words,
    get_policy_row,
    get_policy_status,
    get_scope_settings,
    get_team_in_policy_reach,
    list_member_teams,
    list_overrides,
    manages_team,
    preview_policy_in_plain_words,
)
from worklens_server.policies.services import (
    PolicyChanged,
    PolicyChangeRefused,
    acknowledge_policy,
    set_policy_override,
    update_policy,
)

HISTORY_PAGE = 50


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    digest = forms.CharField(max_length=64, required=False)
    confirm = forms.BooleanField(
        error_messages={"required": "tick the box to confirm you read what is collected"}
    )


@viewer_required
def acknowledge(request: HttpRequest, viewer: Member) -> HttpResponse:
    """GET shows the policy that applies to the viewer in plain words; POST records the
    acknowledgement of what was shown and issues an enrollment code, which only then can enroll
    a device."""
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                acknowledge_policy(
                    member=viewer,
                    version=form.cleaned_data["version"],
                    digest=form.cleaned_data["digest"] or None,
                )
            except PolicyChanged as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                issued = issue_enrollment(member=viewer)
                context = {"issued": issued, "command": enroll_command(request, issued.code)}
                return render(request, "policies/acknowledged.html", context)
        else:
            status = 400
    state = get_policy_status(member_id=viewer.pk, company_id=viewer.company_id)
    context = {
        "company": viewer.company,
        "policy": state.words,
        "state": state,
        "latest": state.latest,
        "form": form,
    }
    return render(request, "policies/acknowledge.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(OWNER, refused=owner_only_page)
def edit_policy(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The owner changes what is collected and what managers may change. GET shows the form and
    the text members read now; POST with `preview` shows the text the form's values would give
    (htmx swaps just that part on every change), a plain POST saves: a new version."""
    row = get_policy_row(company_id=viewer.company_id)
    current = get_company_policy(company_id=viewer.company_id)
    initial = PolicyForm.initial_from(current, row.managers_may_change)
    form = PolicyForm(request.POST or None, initial=initial)
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
                    actor=viewer,
                    expected_version=form.cleaned_data["version"],
                    managers_may_change=form.cleaned_data["managers_may_change"],
                    **form.policy_values(),
                )
            except (PolicyChanged, PolicyChangeRefused) as exc:
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
                        f"Saved as version {policy.version}. Every member whose policy changed "
                        "is asked to acknowledge it; agents pick it up within 5 minutes.",
                    )
                return redirect("policies:edit")
    context = {
        "company": viewer.company,
        "form": form,
        "current": get_policy_in_plain_words(company_id=viewer.company_id),
        "preview": preview,
        "overrides": list_overrides(company_id=viewer.company_id),
        "history": list_policy_history(company_id=viewer.company_id, limit=10),
    }
    if is_htmx(request) and "preview" in request.POST:
        # htmx does not swap error responses, so the partial carries the errors with a 200.
        return render(request, "policies/_policy_preview.html", context)
    return render(request, "policies/edit.html", context, status=status)


@require_GET
@role_required(OWNER, refused=owner_only_page)
def policy_history(request: HttpRequest, viewer: Member) -> HttpResponse:
    """Every version of the company's policy, at every level, newest first; ?page= pages back."""
    page = request.GET.get("page", "1")
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    entries = list_policy_history(
        company_id=viewer.company_id,
        limit=HISTORY_PAGE + 1,
        offset=(number - 1) * HISTORY_PAGE,
    )
    context = {
        "company": viewer.company,
        "history": entries[:HISTORY_PAGE],
        "page": number,
        "older": len(entries) > HISTORY_PAGE,
    }
    return render(request, "policies/history.html", context)


def team_in_reach(viewer: Member, team_id: uuid.UUID) -> Team:
    """The URL's team, if the viewer may open its policy (an owner, or a manager of the team)."""
    team = get_team_in_policy_reach(viewer=viewer, team_id=team_id)
    if team is None:
        raise Http404("no such team")
    return team


def member_in_reach(viewer: Member, member_id: uuid.UUID) -> Member:
    """The URL's member, if the viewer may open their policy (an owner, a manager of one of
    their teams, or a manager themselves)."""
    member = get_member_in_policy_reach(viewer=viewer, member_id=member_id)
    if member is None:
        raise Http404("no such member")
    return member


def _scope_context(
    viewer: Member, *, team: Team | None, member: Member | None
) -> dict[str, object]:
    """What a team's or member's policy page shows besides the form: where each value comes
    from, who is in the team (and whose policy differs), the member's teams, the history."""
    context: dict[str, object] = {"viewer": viewer, "company": viewer.company}
    if team is not None:
        memberships = list_team_memberships(team=team)
        settings = get_scope_settings(team=team)
        team_only = settings.applied().digest
        resolved = get_effective_resolutions(
            member_ids=[m.member_id for m in memberships], company_id=team.company_id
        )
        context["members"] = [
            (
                m,
                any(s.kind == "member" for s in resolved[m.member_id].sources.values()),
                resolved[m.member_id].digest != team_only,
            )
            for m in memberships
        ]
        context["history"] = list_policy_history(company_id=team.company_id, team=team)
    if member is not None:
        context["teams"] = [
            (t, viewer.role == OWNER or manages_team(viewer=viewer, team_id=t.pk))
            for t in list_member_teams(member=member)
        ]
        context["state"] = get_policy_status(member_id=member.pk, company_id=member.company_id)
        context["history"] = list_policy_history_about(member=member)
    return context


def scope_page(
    request: HttpRequest, viewer: Member, *, team: Team | None = None, member: Member | None = None
) -> HttpResponse:
    """GET shows each field's value and where it comes from, and the form; POST with `preview`
    shows the plain words the form's values would give (htmx swaps just that part), a plain
    POST saves: a new version, refused with the service's reason when the viewer may not."""
    settings = get_scope_settings(team=team, member=member)
    version = get_policy_row(company_id=viewer.company_id).version
    editable = fields_actor_may_change(actor=viewer, bounds=settings.bounds, member=member)
    form = OverrideForm(
        request.POST or None,
        current=settings.current,
        inherited=settings.inherited(),
        editable=editable,
        version=version,
    )
    preview = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif "preview" in request.POST:
            wanted = {k: v for k, v in form.changes().items() if v is not None}
            preview = describe_policy(
                settings.applied(wanted).policy.model_copy(
                    update={"version": version + (wanted != settings.current)}
                )
            )
        else:
            try:
                change = set_policy_override(
                    actor=viewer,
                    team=team,
                    member=member,
                    changes=form.changes(),
                    expected_version=form.cleaned_data["version"],
                )
            except PolicyChanged as exc:
                form.add_error(None, str(exc))
                status = 409
            except PolicyChangeRefused as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                if change is None:
                    messages.info(request, "Nothing changed.")
                else:
                    messages.success(
                        request,
                        f"Saved as version {change.version}. Members whose policy changed are "
                        "asked to acknowledge it; agents pick it up within 5 minutes.",
                    )
                return redirect(request.path)
    context: dict[str, object] = {
        "company": viewer.company,
        "team": team,
        "member": member,
        "form": form,
        "rows": settings.applied().rows(),
        "current": describe_policy(settings.applied().policy),
        "preview": preview,
        "version": version,
        "editable": bool(editable),
        "may_change": [
            (rules.LABELS[name], rules.bound_in_words(name, getattr(settings.company, name)))
            for name in rules.FIELDS
            if name in editable and viewer.role == MANAGER
        ],
    }
    if is_htmx(request) and "preview" in request.POST:
        return render(request, "policies/_scope_preview.html", context)
    context |= _scope_context(viewer, team=team, member=member)
    return render(request, "policies/scope.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(OWNER, MANAGER, find={"team_id": team_in_reach})
def team_policy(request: HttpRequest, viewer: Member, team: Team) -> HttpResponse:
    return scope_page(request, viewer, team=team)


@require_http_methods(["GET", "POST"])
@role_required(OWNER, MANAGER, find={"member_id": member_in_reach})
def member_policy(request: HttpRequest, viewer: Member, member: Member) -> HttpResponse:
    return scope_page(request, viewer, member=member)
