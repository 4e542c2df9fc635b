"""Reads for e-mail preferences."""

from __future__ import annotations

from worklens_server.accounts.models import User
from worklens_server.notifications.categories import TRANSACTIONAL
from worklens_server.notifications.models import EmailOptIn


def get_opted_in_categories(*, user: User) -> set[str]:
    return set(EmailOptIn.objects.filter(user=user).values_list("category", flat=True))


def wants_email(*, user: User | None, category: str) -> bool:
    """Transactional mail always goes out; optional mail only to someone who opted in."""
    if category == TRANSACTIONAL:
        return True
    if user is None:
        return False
    return EmailOptIn.objects.filter(user=user, category=category).exists()


def list_opted_in_users(*, category: str) -> list[User]:
    """Active people who opted in to `category`, for an announcement to them."""
    return list(
        User.objects.filter(is_active=True, email_opt_ins__category=category).order_by("pk")
    )
