"""The agent-facing API v1 (/api/v1/). Views are thin: parse, call one service, answer."""

from __future__ import annotations

import pydantic
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from worklens_server import __version__ as SERVER_VERSION
from worklens_server.devices.selectors import AuthenticatedDevice
from worklens_server.devices.services import (
    EnrollmentRefused,
    enroll_device,
    mark_device_seen,
    record_device_events,
    update_device_info,
)
from worklens_server.ingest.auth import device_auth
from worklens_server.ingest.problems import ApiProblem, problem_from_errors
from worklens_server.ingest.services.batches import store_batch
from worklens_server.ingest.services.screenshots import store_screenshot
from worklens_server.policies.selectors import get_effective_policy
from worklens_server.projects.selectors import list_member_projects
from worklens_wire.flags import ACCEPTS_FLAGS
from worklens_wire.v1 import (
    ACCEPTS_HEADER,
    ACCEPTS_IDLE_MARKS,
    ACCEPTS_NOT_STORED,
    MAX_SCREENSHOT_BYTES,
    BatchAck,
    DeviceEventsAck,
    DeviceEventsUpload,
    DeviceInfo,
    EnrollRequest,
    EnrollResponse,
    ErrorOut,
    Policy,
    ProjectOut,
    ScreenshotAck,
    ScreenshotRecord,
    UploadBatch,
    VersionInfo,
    accepted,
)

router = Router(tags=["agent"])

_ERRORS: dict[int, type[ErrorOut]] = {
    code: ErrorOut for code in (400, 401, 403, 409, 413, 415, 422)
}


def _device(request: HttpRequest) -> AuthenticatedDevice:
    device: AuthenticatedDevice = request.auth  # type: ignore[attr-defined]
    return device


@router.post("/enroll", response={201: EnrollResponse, **_ERRORS})
def enroll(request: HttpRequest, payload: EnrollRequest) -> Status[EnrollResponse]:
    """Spend a one-time enrollment code; the answer holds the device token (shown only once)."""
    try:
        enrollment = enroll_device(code=payload.code, info=payload.device)
    except EnrollmentRefused as exc:
        raise ApiProblem(400, str(exc)) from exc
    member = enrollment.device.member
    return Status(
        201,
        EnrollResponse(
            device_id=enrollment.device.id,
            token=enrollment.token,
            company_name=member.company.name,
            member_email=member.user.email,
        ),
    )


@router.get("/policy", response={200: Policy, **_ERRORS}, auth=device_auth)
def policy(request: HttpRequest) -> Policy:
    device = _device(request)
    mark_device_seen(device_id=device.id)
    return get_effective_policy(member_id=device.member_id, company_id=device.company_id)


@router.get("/projects", response={200: list[ProjectOut], **_ERRORS}, auth=device_auth)
def projects(request: HttpRequest) -> list[ProjectOut]:
    """The open projects the device's member may use (open to everyone, or assigned to them),
    each with its open tasks."""
    device = _device(request)
    return list_member_projects(member_id=device.member_id, company_id=device.company_id)


@router.put("/device", response={204: None, **_ERRORS}, auth=device_auth)
def put_device(request: HttpRequest, payload: DeviceInfo) -> Status[None]:
    update_device_info(device_id=_device(request).id, info=payload)
    return Status(204, None)


@router.post("/device/events", response={200: DeviceEventsAck, **_ERRORS}, auth=device_auth)
def post_device_events(request: HttpRequest, payload: DeviceEventsUpload) -> DeviceEventsAck:
    """Install/uninstall events of this device, each stored once by its client id. The agent's
    uninstall command deletes nothing before this answer."""
    return record_device_events(device_id=_device(request).id, upload=payload)


@router.get("/version", response={200: VersionInfo})
def version(request: HttpRequest) -> VersionInfo:
    """Needs no token: an agent not (or no longer) enrolled can still learn of updates."""
    return VersionInfo(
        server_version=SERVER_VERSION,
        latest_agent_version=settings.WORKLENS_LATEST_AGENT_VERSION,
        agent_download_url=settings.WORKLENS_AGENT_DOWNLOAD_URL,
    )


_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadBatch"}}},
    }
}


@router.post(
    "/batches", response={200: BatchAck, **_ERRORS}, auth=device_auth, openapi_extra=_BATCH_BODY
)
def upload_batch(request: HttpRequest) -> HttpResponse:
    """Store an UploadBatch. The body is parsed here with pydantic's JSON parser in one pass
    (the fast path: no intermediate dicts), not by Ninja; the schema is still published."""
    limit: int = settings.WORKLENS_MAX_BATCH_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        raise ApiProblem(413, f"batch body is {declared} bytes; at most {limit} bytes")
    body = request.body
    if len(body) > limit:
        raise ApiProblem(413, f"batch body is {len(body)} bytes; at most {limit} bytes")
    try:
        batch = UploadBatch.model_validate_json(body)
    except pydantic.ValidationError as exc:
        raise problem_from_errors(exc.errors(include_url=False)) from exc
    ack = store_batch(device=_device(request), batch=batch)
    # Agents before `not_stored` refuse unknown fields: they get the ack without it.
    exclude = (
        None
        if ACCEPTS_NOT_STORED in accepted(request.headers.get(ACCEPTS_HEADER, ""))
        else {"not_stored"}
    )
    response = HttpResponse(ack.model_dump_json(exclude=exclude), content_type="application/json")
    # Tells newer agents they may send idle marks and flags; older agents ignore the header.
    response[ACCEPTS_HEADER] = f"{ACCEPTS_IDLE_MARKS}, {ACCEPTS_FLAGS}"
    return response


@router.post("/screenshots", response={200: ScreenshotAck, **_ERRORS}, auth=device_auth)
def upload_screenshot(
    request: HttpRequest, meta: Form[str], image: File[UploadedFile]
) -> ScreenshotAck:
    """multipart/form-data: `meta` is a ScreenshotRecord as JSON, `image` the WebP/JPEG/PNG."""
    if image.size is not None and image.size > MAX_SCREENSHOT_BYTES:
        raise ApiProblem(
            413, f"image: {image.size} bytes; at most {MAX_SCREENSHOT_BYTES} bytes per screenshot"
        )
    try:
        record = ScreenshotRecord.model_validate_json(meta)
    except pydantic.ValidationError as exc:
        problem = problem_from_errors(exc.errors(include_url=False))
        raise ApiProblem(problem.status, "meta." + problem.detail) from exc
    return store_screenshot(device=_device(request), record=record, image=image.read())
