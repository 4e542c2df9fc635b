"""Who gets into a dashboard view: the one place that gates views by membership and role.

`viewer_required` lets in every member of a company; `role_required(*roles)` only members with
one of `roles`. Both, in this order:

1. send an anonymous visitor to the login page;
2. find the user's membership, the "viewer", passed to the view after the request; a user in
   no company gets the "no company" page (403), or what `no_company` answers;
3. (role_required) look the objects named in the URL up inside the viewer's company, so another
   company's id is a 404 whatever the role: `find` maps a URL parameter to its finder, and the
   view gets the object in place of the id ("team_id" becomes "team");
4. (role_required) refuse a viewer without one of `roles`: 403 with Django's page, or what
   `refused` answers.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from worklens_server.companies import selectors
from worklens_server.companies.models import Member, Team

P = ParamSpec("P")
MemberView = Callable[Concatenate[HttpRequest, Member, P], HttpResponse]
#: The answer to a request that is not let in.
Answer = Callable[[HttpRequest], HttpResponse]
#: Finds the object a URL parameter names inside the viewer's company, or raises Http404.
Finder = Callable[[Member, uuid.UUID], object]

OWNER = Member.Role.OWNER
MANAGER = Member.Role.MANAGER


def no_company_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/no_company.html", status=403)


def owner_only_page(request: HttpRequest) -> HttpResponse:
    return render(request, "companies/owner_only.html", status=403)


def member_in_company(viewer: Member, member_id: uuid.UUID) -> Member:
    member = selectors.get_company_member(company_id=viewer.company_id, member_id=member_id)
    if member is None:
        raise Http404("no such member")
    return member


def team_in_company(viewer: Member, team_id: uuid.UUID) -> Team:
    team = selectors.get_company_team(company_id=viewer.company_id, team_id=team_id)
    if team is None:
        raise Http404("no such team")
    return team


def _gate(
    view: Callable[..., HttpResponse],
    *,
    roles: tuple[str, ...] | None,
    find: Mapping[str, Finder],
    refused: Answer | None,
    no_company: Answer,
) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: Any, **kwargs: Any) -> HttpResponse:
        viewer = selectors.get_member_for_user(user=request.user)  # type: ignore[arg-type]
        if viewer is None:
            return no_company(request)
        for parameter, finder in find.items():
            kwargs[parameter.removesuffix("_id")] = finder(viewer, kwargs.pop(parameter))
        if roles is not None and viewer.role not in roles:
            if refused is not None:
                return refused(request)
            raise PermissionDenied("your role does not allow this page")
        return view(request, viewer, *args, **kwargs)

    return login_required(wrapper)


def viewer_required(view: MemberView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Every member of a company gets in, whatever their role (steps 1 and 2 above)."""
    return _gate(view, roles=None, find={}, refused=None, no_company=no_company_page)


def role_required(
    *roles: str,
    find: Mapping[str, Finder] | None = None,
    refused: Answer | None = None,
    no_company: Answer = no_company_page,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Only members with one of `roles` get in, after the URL's objects are found in their
    company (steps 1 to 4 above)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return _gate(view, roles=roles, find=find or {}, refused=refused, no_company=no_company)

    return decorate


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
