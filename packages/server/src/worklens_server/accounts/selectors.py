"""Reads for accounts."""

from __future__ import annotations

from worklens_server.accounts.models import User


def get_user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()
