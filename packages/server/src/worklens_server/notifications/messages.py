"""Builds one e-mail from its three templates: notifications/<template>/{subject,body}.txt and
body.html."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template, render_to_string
from django.urls import reverse

from worklens_server.notifications.categories import TRANSACTIONAL

TEMPLATE_FILES = ("subject.txt", "body.txt", "body.html")


def check_templates_exist(template: str) -> None:
    """Raises TemplateDoesNotExist when the caller names a template that is not there, so the
    mistake shows where send_email is called rather than later in the worker."""
    for name in TEMPLATE_FILES:
        get_template(f"notifications/{template}/{name}")


def unsubscribe_url(token: str) -> str:
    path = reverse("notifications:unsubscribe", kwargs={"token": token})
    return settings.WORKLENS_BASE_URL.rstrip("/") + path


def build_message(
    *, to: str, template: str, context: dict[str, object], category: str, unsubscribe_token: str
) -> EmailMultiAlternatives:
    full_context: dict[str, object] = {
        **context,
        "base_url": settings.WORKLENS_BASE_URL.rstrip("/"),
        "category": category,
    }
    headers: dict[str, str] = {}
    if category != TRANSACTIONAL:
        url = unsubscribe_url(unsubscribe_token)
        full_context["unsubscribe_url"] = url
        # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this address.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    prefix = f"notifications/{template}/"
    subject = " ".join(render_to_string(prefix + "subject.txt", full_context).split())
    text = render_to_string(prefix + "body.txt", full_context).strip() + "\n"
    html = render_to_string(prefix + "body.html", full_context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
