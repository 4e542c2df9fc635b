"""The dashboard's entry check: a signed-in user with a company membership (the "viewer")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_member_for_user

P = ParamSpec("P")
MemberView = Callable[Concatenate[HttpRequest, Member, P], HttpResponse]


def viewer_required(view: MemberView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Signs the user in if needed, finds their membership and passes it as `viewer`; a user in
    no company gets the "no company" page (403)."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        viewer = get_member_for_user(user=request.user)  # type: ignore[arg-type]
        if viewer is None:
            return render(request, "reports/no_company.html", status=403)
        return view(request, viewer, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


def require_roles(viewer: Member, *roles: str) -> None:
    """403 unless the viewer has one of `roles`."""
    if viewer.role not in roles:
        raise PermissionDenied("your role does not allow this page")


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
