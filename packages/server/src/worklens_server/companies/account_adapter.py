"""allauth behaviour for WorkLens.

It lives with companies, not accounts: signing up is the first step of founding a company (an
account without one is sent to create it), and allauth's mail goes out through notifications
like all WorkLens mail. The accounts app itself depends on no other app."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.urls import reverse

from worklens_server.accounts.models import User
from worklens_server.companies.selectors import get_member_for_user
from worklens_server.notifications.services import send_email


class WorkLensAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Anyone may sign up and found a company; employees join through invitations."""
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Someone who signed up but has no company yet creates it first."""
        user = request.user
        if isinstance(user, User) and get_member_for_user(user=user) is None:
            return reverse("companies:create")
        return str(super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mail (verification, password reset, password changed) is rendered here,
        where its request-bound context exists, and delivered like all WorkLens e-mail: by the
        task worker, retried while the SMTP server fails."""
        message = self.render_mail(
            template_prefix,
            email,
            {
                "email": email,
                "request": self.request,
                "current_site": get_current_site(self.request),
                **context,
            },
        )
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        send_email(
            to=email,
            template="allauth_message",
            context={"subject": str(message.subject), "body": str(message.body), "body_html": html},
        )
