"""allauth behaviour for WorkLens."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from worklens_server.notifications.services import send_email


class WorkLensAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join through their company (owners add members), not by signing up."""
        return False

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
