"""Enrolling this device with a server: a one-time code in, a device token and the install event
out. What enrolling leaves in the store is journal/enrollment.py's."""

from __future__ import annotations

import logging

import httpx

from worklens_agent.desktop.device import device_info
from worklens_agent.journal.enrollment import Enrollment, save_enrollment
from worklens_agent.journal.store import Store
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_agent.upload.device_sync import (
    record_install,
    remember_acked_info,
    send_pending_events,
)

log = logging.getLogger(__name__)


class EnrollmentFailed(Exception):
    """The server refused the code or could not be reached; nothing was stored."""


def enroll(store: Store, server_url: str, code: str) -> Enrollment:
    """Enroll with `code`; the install event goes at once if it can, else with the next sync."""
    url = server_url.rstrip("/")
    device = device_info(store)
    try:
        with AgentApi(url) as api:
            response = api.enroll(code, device)
    except ApiError as exc:
        raise EnrollmentFailed(f"enrollment refused: {exc.detail}") from exc
    except httpx.HTTPError as exc:
        raise EnrollmentFailed(f"cannot reach {url}: {exc}") from exc
    enrollment = save_enrollment(store, url, response)
    remember_acked_info(store, device)
    record_install(store)
    try:
        with AgentApi.enrolled(enrollment) as api:
            send_pending_events(store, api)
    except (ApiError, httpx.HTTPError) as exc:
        log.warning("install event not sent yet: %s", exc)
    return enrollment
