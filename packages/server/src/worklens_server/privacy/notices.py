"""E-mails the privacy actions send."""

from __future__ import annotations

from worklens_server.notifications.services import send_email


def send_company_cancelled(*, to: str, company_name: str) -> None:
    """Confirms a cancellation to the owner who asked for it, at the address captured before
    the deletion (their account may be gone with the company)."""
    send_email(to=to, template="company_cancelled", context={"company_name": company_name})
