"""Writes for accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from worklens_server.accounts.models import User


@transaction.atomic
def create_user(*, email: str, password: str, full_name: str = "", verified: bool = False) -> User:
    """A dashboard user plus allauth's e-mail record, so allauth's login and reset flows know it."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


@transaction.atomic
def set_user_password(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


def mark_email_verified(*, user: User) -> None:
    """For people whose address is known good without a link (the demo's seeded logins)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
