"""Writes for privacy: audited screenshot reads and the person's own details."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from worklens_server.accounts.models import User
from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_visible_members
from worklens_server.companies.timezones import is_known_timezone
from worklens_server.privacy.models import ScreenshotAccess
from worklens_server.privacy.thumbnails import make_thumbnail
from worklens_server.tracking.blobs import read_image
from worklens_server.tracking.models import Screenshot

_CONTENT_TYPES = {"WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class ScreenshotImage:
    data: bytes
    content_type: str


def open_screenshot(
    *, viewer: Member, screenshot_id: uuid.UUID, variant: str, ip_address: str | None
) -> ScreenshotImage | None:
    """The screenshot's image (or its thumbnail) when `viewer` may see its member, else None.

    Whenever the viewer is not the person in the screenshot, the audit row is written in the
    same transaction that finds the screenshot and reads its file: if the row cannot be
    written, the image is not served, and a failed read leaves no row behind."""
    if variant not in ScreenshotAccess.Variant.values:
        raise ValueError(f"unknown screenshot variant {variant!r}")
    with transaction.atomic():
        shot = (
            Screenshot.objects.filter(
                id=screenshot_id, member__in=get_visible_members(viewer=viewer)
            )
            .exclude(image="")
            .only("id", "company_id", "member_id", "taken_at", "image", "image_format")
            .first()
        )
        if shot is None:
            return None
        if shot.member_id != viewer.pk:
            ScreenshotAccess.objects.create(
                company_id=shot.company_id,
                subject_id=shot.member_id,
                viewer=viewer,
                viewer_role=viewer.role,
                screenshot_id=shot.id,
                screenshot_taken_at=shot.taken_at,
                variant=variant,
                ip_address=ip_address,
            )
        image = read_image(shot.image)
    if variant == ScreenshotAccess.Variant.THUMBNAIL:
        return ScreenshotImage(data=make_thumbnail(image), content_type="image/webp")
    return ScreenshotImage(
        data=image, content_type=_CONTENT_TYPES.get(shot.image_format, "application/octet-stream")
    )


def update_personal_details(*, user: User, full_name: str, timezone: str = "") -> None:
    """The person's name and own time zone (empty: each company's)."""
    full_name = full_name.strip()
    if len(full_name) > User._meta.get_field("full_name").max_length:  # type: ignore[operator]
        raise ValueError("Name: at most 200 characters.")
    if timezone and not is_known_timezone(timezone):
        raise ValueError(f"Time zone: {timezone!r} is not a time zone WorkLens knows.")
    user.full_name = full_name
    user.timezone = timezone
    user.save(update_fields=["full_name", "timezone"])


def remove_optional_personal_data(*, user: User) -> None:
    """Clears what the account holds beyond the login itself (the e-mail address and the
    password are needed to sign in; the name and the own time zone are optional)."""
    user.full_name = ""
    user.timezone = ""
    user.save(update_fields=["full_name", "timezone"])
