"""POST /api/v1/screenshots: checked by content, encrypted at rest, idempotent."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from server_testkit import NOW, EnrolledDevice, batch, detail, post_batch, row_counts, time_entry

from worklens_server.tracking.blobs import decrypt_image
from worklens_server.tracking.models import Screenshot
from worklens_wire import new_id
from worklens_wire.v1 import MAX_SCREENSHOT_BYTES, ScreenshotAck, ScreenshotRecord

pytestmark = pytest.mark.django_db


def _image(image_format: str = "WEBP", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 90)).save(buffer, format=image_format)
    return buffer.getvalue()


def _entry(api: Client, device: EnrolledDevice) -> Any:
    entry = time_entry()
    assert post_batch(api, device, batch(device, time_entries=[entry])).status_code == 200
    return entry


def _upload(
    api: Client, device: EnrolledDevice, record: ScreenshotRecord, data: bytes, name: str
) -> Any:
    return api.post(
        "/api/v1/screenshots",
        data={
            "meta": record.model_dump_json(),
            "image": SimpleUploadedFile(name, data, content_type="image/png"),
        },
        **device.auth,
    )


def test_webp_is_stored_encrypted_and_decrypts_to_the_image(
    api: Client, device: EnrolledDevice, settings: Any
) -> None:
    entry = _entry(api, device)
    record = ScreenshotRecord(
        id=new_id(), time_entry_id=entry.id, taken_at=NOW, width=64, height=48
    )
    data = _image("WEBP")

    response = _upload(api, device, record, data, "shot.webp")

    assert response.status_code == 200, response.content
    assert ScreenshotAck.model_validate_json(response.content) == ScreenshotAck(
        id=record.id, stored=True
    )
    stored = Screenshot.objects.get(id=record.id)
    assert (stored.image_format, stored.image_bytes, stored.width) == ("WEBP", len(data), 64)
    on_disk = (Path(settings.MEDIA_ROOT) / stored.image).read_bytes()
    assert data not in on_disk
    with pytest.raises(Image.UnidentifiedImageError):
        Image.open(io.BytesIO(on_disk))
    assert decrypt_image(on_disk) == data
    with Image.open(io.BytesIO(decrypt_image(on_disk))) as image:
        assert (image.format, image.size) == ("WEBP", (64, 48))


def test_second_upload_is_acknowledged_and_stored_once(
    api: Client, device: EnrolledDevice, settings: Any
) -> None:
    entry = _entry(api, device)
    record = ScreenshotRecord(id=new_id(), time_entry_id=entry.id, taken_at=NOW)
    # The record may come first through a batch; the image then completes it.
    assert post_batch(api, device, batch(device, screenshots=[record])).status_code == 200
    assert _upload(api, device, record, _image("JPEG"), "a.jpg").status_code == 200

    again = _upload(api, device, record, _image("PNG"), "b.png")

    assert again.status_code == 200
    assert ScreenshotAck.model_validate_json(again.content).stored is False
    assert Screenshot.objects.get(id=record.id).image_format == "JPEG"
    files = list((Path(settings.MEDIA_ROOT) / "screenshots").rglob("*.fernet"))
    assert len(files) == 1


def test_text_file_named_png_is_415(api: Client, device: EnrolledDevice) -> None:
    entry = _entry(api, device)
    record = ScreenshotRecord(id=new_id(), time_entry_id=entry.id, taken_at=NOW)
    before = row_counts()
    response = _upload(api, device, record, b"just some text, not an image\n" * 20, "shot.png")
    assert response.status_code == 415
    assert detail(response) == "image: content is not a WebP, JPEG or PNG image"
    assert row_counts() == before


def test_gif_is_415(api: Client, device: EnrolledDevice) -> None:
    entry = _entry(api, device)
    record = ScreenshotRecord(id=new_id(), time_entry_id=entry.id, taken_at=NOW)
    response = _upload(api, device, record, _image("GIF"), "shot.webp")
    assert response.status_code == 415
    assert Screenshot.objects.count() == 0


def test_too_large_is_413(api: Client, device: EnrolledDevice) -> None:
    entry = _entry(api, device)
    record = ScreenshotRecord(id=new_id(), time_entry_id=entry.id, taken_at=NOW)
    data = _image("PNG") + b"\0" * MAX_SCREENSHOT_BYTES
    response = _upload(api, device, record, data, "huge.png")
    assert response.status_code == 413
    assert detail(response) == (
        f"image: {len(data)} bytes; at most {MAX_SCREENSHOT_BYTES} bytes per screenshot"
    )
    assert Screenshot.objects.count() == 0


def test_time_entry_of_another_device_is_403(
    api: Client, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    foreign = _entry(api, outsider_device)
    record = ScreenshotRecord(id=new_id(), time_entry_id=foreign.id, taken_at=NOW)
    response = _upload(api, device, record, _image(), "shot.webp")
    assert response.status_code == 403
    assert detail(response) == (
        f"meta.time_entry_id: time entry {foreign.id} belongs to another device"
    )
    assert Screenshot.objects.count() == 0


def test_bad_meta_names_the_field(api: Client, device: EnrolledDevice) -> None:
    response = api.post(
        "/api/v1/screenshots",
        data={
            "meta": '{"id": "not-a-uuid"}',
            "image": SimpleUploadedFile("a.webp", _image(), content_type="image/webp"),
        },
        **device.auth,
    )
    assert response.status_code == 422
    assert detail(response).startswith("meta.id: Input should be a valid UUID")
