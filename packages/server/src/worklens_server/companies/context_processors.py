"""Template context: the signed-in user's role, so the navigation shows only usable pages."""

from __future__ import annotations

from django.http import HttpRequest

from worklens_server.companies.selectors import get_member_for_user


def viewer_role(request: HttpRequest) -> dict[str, str]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = get_member_for_user(user=user)
    return {"viewer_role": member.role} if member else {}
