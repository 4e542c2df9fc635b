"""Keep the server's view of this device current: its information when it changes, and the
install/uninstall events, each sent until the server has acknowledged it.

What the server acknowledged is remembered in the store (a hash of the last DeviceInfo, the list
of events still to send), so a change made while offline is sent on the next refresh, and an
unchanged device sends nothing.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from worklens_agent import __version__
from worklens_agent.clock import utcnow
from worklens_agent.desktop.device import device_info, device_info_hash
from worklens_agent.journal.store import Store, Transaction, get_in, set_in
from worklens_agent.settings import Key
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_wire import new_id
from worklens_wire.v1 import CaptureSource, DeviceEvent, DeviceEventsAck, DeviceInfo

log = logging.getLogger(__name__)

# The uninstall event of an uninstall still in progress (Key.UNINSTALL_EVENT) is kept apart from
# the pending list (the runner must not send it) and reused on retry, so a lost acknowledgement
# cannot duplicate it (uninstall.py).


def remember_acked_info(store: Store, info: DeviceInfo) -> None:
    store.set(Key.DEVICE_INFO_ACKED_HASH, device_info_hash(info))


def send_info_if_changed(store: Store, api: AgentApi, info: DeviceInfo) -> bool:
    """PUT the info when it differs from what the server last acknowledged. True if sent."""
    digest = device_info_hash(info)
    if store.get(Key.DEVICE_INFO_ACKED_HASH) == digest:
        return False
    api.put_device(info)
    store.set(Key.DEVICE_INFO_ACKED_HASH, digest)
    log.info("device information sent to the server")
    return True


def new_event(kind: str, **details: str) -> DeviceEvent:
    return DeviceEvent.model_validate(
        {
            "id": new_id(),
            "kind": kind,
            "at": utcnow(),
            "agent_version": __version__,
            "details": details,
        }
    )


def record_install(store: Store) -> DeviceEvent | None:
    """Queue the "install" event once per agent home (first enrollment or first run)."""
    with store.transaction() as conn:
        if get_in(conn, Key.INSTALLED_EVENT) is not None:
            return None
        event = new_event("install")
        set_in(conn, Key.INSTALLED_EVENT, event.model_dump(mode="json"))
        pending = _pending_in(conn)
        set_in(conn, Key.DEVICE_EVENTS_PENDING, [*pending, event.model_dump(mode="json")])
    return event


def _pending_in(conn: Transaction) -> list[dict[str, Any]]:
    return list(get_in(conn, Key.DEVICE_EVENTS_PENDING, []))


def pending_events(store: Store) -> list[DeviceEvent]:
    return [DeviceEvent.model_validate(raw) for raw in store.get(Key.DEVICE_EVENTS_PENDING, [])]


def send_pending_events(store: Store, api: AgentApi) -> DeviceEventsAck | None:
    """Send the queued events; forget exactly those the server acknowledged."""
    events = pending_events(store)
    if not events:
        return None
    ack = api.post_device_events(events)
    sent = {str(event.id) for event in events}
    with store.transaction() as conn:
        left = [raw for raw in _pending_in(conn) if raw["id"] not in sent]
        set_in(conn, Key.DEVICE_EVENTS_PENDING, left)
    return ack


def sync_device(store: Store, api: AgentApi, sources: list[CaptureSource]) -> None:
    """Events first, then the info; a failure of one is logged and the other still runs. What
    was not acknowledged is tried again on the next call (the policy refresh, every 5 minutes)."""
    try:
        send_pending_events(store, api)
    except (httpx.HTTPError, ApiError) as exc:
        log.warning("device events not sent, will retry: %s", exc)
    try:
        send_info_if_changed(store, api, device_info(store, sources))
    except (httpx.HTTPError, ApiError) as exc:
        log.warning("device information not sent, will retry: %s", exc)
