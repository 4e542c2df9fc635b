"""Sends a manager (or owner) without two-factor authentication to set it up, when their company
requires it, before any dashboard page opens."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from worklens_server.accounts.models import User
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_member_for_user

#: Pages that must stay reachable without 2FA: signing in and out, setting 2FA up, the API
#: (devices have their own tokens), and pages that need no login at all.
_EXEMPT_PREFIXES = ("/accounts/", "/api/", "/static/", "/media/", "/cookies/", "/unsubscribe/")
_MANAGING_ROLES = (Member.Role.OWNER, Member.Role.MANAGER)


def needs_2fa_setup(user: User) -> bool:
    member = get_member_for_user(user=user)
    return (
        member is not None
        and member.company.require_manager_2fa
        and member.role in _MANAGING_ROLES
        and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
    )


class RequireManagerTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and needs_2fa_setup(user)
        ):
            messages.warning(
                request,
                "Your company requires two-factor authentication for managers. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
