"""Reads for privacy: who viewed a person's screenshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from worklens_server.accounts.models import User
from worklens_server.companies.models import Member
from worklens_server.privacy.models import ScreenshotAccess


@dataclass(frozen=True)
class ScreenshotAccessRow:
    viewer_name: str
    viewer_role: str
    screenshot_taken_at: dt.datetime
    variant: str
    accessed_at: dt.datetime


def list_screenshot_accesses_about(*, user: User, limit: int = 200) -> list[ScreenshotAccessRow]:
    """The newest views of `user`'s screenshots by other people, in every company they are in."""
    rows = (
        ScreenshotAccess.objects.filter(subject__user=user)
        .select_related("viewer__user")
        .order_by("-accessed_at", "-pk")[:limit]
    )
    return [
        ScreenshotAccessRow(
            viewer_name=row.viewer.user.display_name if row.viewer else "a deleted account",
            viewer_role=Member.Role(row.viewer_role).label,
            screenshot_taken_at=row.screenshot_taken_at,
            variant=ScreenshotAccess.Variant(row.variant).label,
            accessed_at=row.accessed_at,
        )
        for row in rows
    ]
