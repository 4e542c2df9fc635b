"""Storing a screenshot image: the agent uploads each one on its own, after the batch that holds
its record."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.ingest.errors import (
    BelongsToAnotherDevice,
    ImageTooLarge,
    InvalidItem,
    NotAnImage,
    OffInPolicy,
    UnknownReference,
)
from worklens_server.ingest.services.checks import check_moment_not_ahead
from worklens_server.policies.selectors import get_effective_policy
from worklens_server.tracking.blobs import delete_images, detect_image_format, store_image
from worklens_server.tracking.models import Screenshot, TimeEntry
from worklens_wire.v1 import MAX_SCREENSHOT_BYTES, Policy, ScreenshotAck, ScreenshotRecord


def _check_time_entry(*, device: AuthenticatedDevice, record: ScreenshotRecord) -> None:
    owner, idle = (
        TimeEntry.objects.filter(id=record.time_entry_id).values_list("device_id", "idle").first()
    ) or (None, "")
    if owner is None:
        raise UnknownReference(
            f"meta.time_entry_id: unknown time entry {record.time_entry_id} "
            "(send the time entry first)",
        )
    if owner != device.id:
        raise BelongsToAnotherDevice(
            f"meta.time_entry_id: time entry {record.time_entry_id} belongs to another device"
        )
    if idle == TimeEntry.Idle.DISCARDED:
        raise InvalidItem(
            f"meta.time_entry_id: time entry {record.time_entry_id} is discarded idle time; "
            "what was recorded in it never leaves the computer"
        )


def _check_policy(*, policy: Policy, record: ScreenshotRecord) -> None:
    """Refuse an image the member's policy does not allow, before anything is written."""
    if policy.screenshots_per_interval == 0:
        problem = "screenshots are off in the company's collection policy for this member"
    elif policy.screenshot_blur and not record.blurred:
        problem = "the collection policy blurs screenshots on the device, and this one is not"
    elif record.width > policy.screenshot_max_width:
        problem = (
            f"meta.width: {record.width} pixels; the collection policy keeps screenshots at "
            f"most {policy.screenshot_max_width} wide"
        )
    else:
        return
    raise OffInPolicy(f"{problem}; the image was not stored")


def store_screenshot(
    *, device: AuthenticatedDevice, record: ScreenshotRecord, image: bytes
) -> ScreenshotAck:
    """Check, encrypt and store one screenshot image. Idempotent by the record's id: a second
    upload of a stored image is acknowledged with stored=False and changes nothing. An image the
    member's policy switches off is refused before any file is written."""
    if len(image) > MAX_SCREENSHOT_BYTES:
        raise ImageTooLarge(
            f"image: {len(image)} bytes; at most {MAX_SCREENSHOT_BYTES} bytes per screenshot"
        )
    image_format = detect_image_format(image)
    if image_format is None:
        raise NotAnImage("image: content is not a WebP, JPEG or PNG image")
    if record.skipped_reason is not None:
        raise InvalidItem("meta.skipped_reason: a skipped screenshot has no image")
    check_moment_not_ahead(where="meta.taken_at", moment=record.taken_at, now=timezone.now())
    _check_policy(
        policy=get_effective_policy(member_id=device.member_id, company_id=device.company_id),
        record=record,
    )
    _check_time_entry(device=device, record=record)

    existing = Screenshot.objects.filter(id=record.id).values_list("device_id", "image").first()
    if existing is not None:
        if existing[0] != device.id:
            raise BelongsToAnotherDevice(
                f"meta.id: screenshot {record.id} belongs to another device"
            )
        if existing[1]:
            return ScreenshotAck(id=record.id, stored=False)
    else:
        try:
            with transaction.atomic():
                Screenshot.objects.create(
                    id=record.id,
                    company_id=device.company_id,
                    member_id=device.member_id,
                    device_id=device.id,
                    time_entry_id=record.time_entry_id,
                    slot_id=record.slot_id,
                    taken_at=record.taken_at,
                    monitor=record.monitor,
                    width=record.width,
                    height=record.height,
                    blurred=record.blurred,
                    same_as_previous=record.same_as_previous,
                )
        except IntegrityError:
            pass  # the same record arrived concurrently (batch or upload); it is there now

    name = store_image(
        company_id=device.company_id,
        screenshot_id=record.id,
        taken_at=record.taken_at,
        data=image,
    )
    # Conditional UPDATE: of two concurrent uploads of one screenshot exactly one wins.
    won = Screenshot.objects.filter(id=record.id, device_id=device.id, image="").update(
        image=name,
        image_format=image_format,
        image_bytes=len(image),
        uploaded_at=timezone.now(),
    )
    if not won:
        delete_images([name])
    return ScreenshotAck(id=record.id, stored=bool(won))
