"""Signed unsubscribe tokens: they work without login, so they carry who and what, signed."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

_SALT = "worklens.notifications.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    category: str


def make_unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps({"u": user_id, "c": category}, salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    """The request the token was made for, or None when it was not made by us."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, category = data.get("u"), data.get("c")
    if not isinstance(user_id, int) or not isinstance(category, str):
        return None
    return UnsubscribeRequest(user_id=user_id, category=category)
