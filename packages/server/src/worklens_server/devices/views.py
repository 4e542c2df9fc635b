"""The devices page: my devices, the devices of the members I may see, enrollment codes and
revocation. Thin: selectors read inside the viewer's company and role, services write."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from worklens_server.companies.access import is_htmx, viewer_required
from worklens_server.companies.models import Member
from worklens_server.devices.selectors import (
    get_visible_device,
    list_member_devices,
    list_visible_devices_of_others,
)
from worklens_server.devices.services import issue_enrollment, revoke_device
from worklens_server.policies.selectors import has_acknowledged_current_policy

#: How the agent names the capture sources, in the page's words.
SOURCE_LABELS = {
    "time": "Timer",
    "input": "Keyboard/mouse activity",
    "idle": "Idle detection",
    "window": "Active window",
    "screenshot": "Screenshots",
    "browser": "Browser URL",
}


def enroll_command(request: HttpRequest, code: str) -> str:
    """The exact command that enrolls a device with this server."""
    server_url = request.build_absolute_uri("/").rstrip("/")
    return f"worklens-agent enroll {server_url} {code}"


def _sources(device: object) -> list[dict[str, object]]:
    raw = getattr(device, "sources", None) or []
    return [
        {
            "label": SOURCE_LABELS.get(str(source.get("name")), str(source.get("name"))),
            "available": bool(source.get("available")),
            "reason": source.get("reason") or "",
        }
        for source in raw
        if isinstance(source, dict)
    ]


@viewer_required
def devices(request: HttpRequest, viewer: Member) -> HttpResponse:
    own = list_member_devices(member_id=viewer.pk, company_id=viewer.company_id)
    others = list_visible_devices_of_others(viewer=viewer)
    for device in (*own, *others):
        device.source_rows = _sources(device)  # type: ignore[attr-defined]
    context = {
        "viewer": viewer,
        "company": viewer.company,
        "own_devices": own,
        "other_devices": others,
        "acknowledged": has_acknowledged_current_policy(
            member_id=viewer.pk, company_id=viewer.company_id
        ),
    }
    return render(request, "devices/devices.html", context)


@require_POST
@viewer_required
def create_code(request: HttpRequest, viewer: Member) -> HttpResponse:
    """A code for one of the viewer's own devices. Nobody enrolls a device before they have
    acknowledged what the company collects: without it, the policy page comes first."""
    if not has_acknowledged_current_policy(member_id=viewer.pk, company_id=viewer.company_id):
        messages.info(request, "Read what is collected about you first; the code comes after.")
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("policies:acknowledge")
            return response
        return redirect("policies:acknowledge")
    issued = issue_enrollment(member=viewer)
    context = {"issued": issued, "command": enroll_command(request, issued.code)}
    if is_htmx(request):
        return render(request, "devices/_enrollment_code.html", context)
    return render(request, "devices/code_created.html", context)


@require_POST
@viewer_required
def revoke(request: HttpRequest, viewer: Member, device_id: uuid.UUID) -> HttpResponse:
    device = get_visible_device(viewer=viewer, device_id=device_id)
    if device is None:
        raise Http404("no such device")
    revoke_device(device=device)
    name = device.hostname or str(device.pk)
    messages.success(request, f"Device {name} revoked: its agent can no longer upload.")
    return redirect("devices:devices")
