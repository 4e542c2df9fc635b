"""Device information and install events reach the server once each, and again only on change;
offline they wait in the store and go on the next try. Against the fake API v1 server."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from agent_fake_server import FakeServer

from worklens_agent import __version__
from worklens_agent.desktop.device import device_info, device_info_hash
from worklens_agent.journal.enrollment import load_enrollment
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_agent.upload.client import AgentApi
from worklens_agent.upload.device_sync import (
    pending_events,
    record_install,
    send_pending_events,
    sync_device,
)
from worklens_wire.v1 import CaptureSource

SOURCES = [CaptureSource(name="time", available=True)]


def _sync(store: Store, sources: list[CaptureSource] = SOURCES) -> None:
    enrollment = load_enrollment(store)
    assert enrollment is not None
    with AgentApi.enrolled(enrollment) as api:
        sync_device(store, api, sources)


def _go_offline(store: Store) -> str:
    """Point the enrollment at a port nobody listens on; returns the real URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    url: str = store.get(Key.SERVER_URL)
    store.set(Key.SERVER_URL, dead)
    return url


def test_enrolling_records_and_sends_the_install_event_once(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    (upload,) = fake_server.event_posts()
    (install,) = upload.events
    assert (install.kind, install.agent_version) == ("install", __version__)
    assert install.id.version == 7
    with Store(enrolled_home) as store:
        assert pending_events(store) == []
        assert record_install(store) is None  # a later run does not record a second one
        # The enrollment sent the device info, so the server already has this very info.
        assert store.get(Key.DEVICE_INFO_ACKED_HASH) == device_info_hash(device_info(store))
        _sync(store, sources=[])
    assert fake_server.device_puts() == []
    assert len(fake_server.event_posts()) == 1


def test_info_is_sent_when_it_changes_and_only_then(
    enrolled_home: Path, fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(enrolled_home) as store:
        _sync(store)  # the run's sources differ from what enrollment sent
        _sync(store)
        assert len(fake_server.device_puts()) == 1
        monkeypatch.setenv("TZ", "Asia/Tokyo")  # the laptop travelled
        monkeypatch.setattr("worklens_agent.desktop.device.platform.node", lambda: "renamed-laptop")
        _sync(store)
        _sync(store)
    puts = fake_server.device_puts()
    assert len(puts) == 2
    assert puts[0].sources == SOURCES
    assert (puts[1].timezone, puts[1].hostname) == ("Asia/Tokyo", "renamed-laptop")


def test_a_refused_or_unreachable_server_gets_the_change_on_the_next_sync(
    enrolled_home: Path, fake_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_server.device_script = [(503, "down for upgrade")]
    with Store(enrolled_home) as store:
        with caplog.at_level(logging.WARNING):
            _sync(store)
        assert "device information not sent, will retry: HTTP 503: down for upgrade" in (
            caplog.text
        )
        acked_before = store.get(Key.DEVICE_INFO_ACKED_HASH)
        assert acked_before != device_info_hash(device_info(store, SOURCES))

        url = _go_offline(store)
        store.delete(Key.INSTALLED_EVENT)
        record_install(store)  # an event queued while offline waits too
        queued = pending_events(store)
        assert len(queued) == 1
        _sync(store)
        assert store.get(Key.DEVICE_INFO_ACKED_HASH) == acked_before
        assert pending_events(store) == queued

        store.set(Key.SERVER_URL, url)
        _sync(store)
        assert store.get(Key.DEVICE_INFO_ACKED_HASH) == device_info_hash(
            device_info(store, SOURCES)
        )
        assert pending_events(store) == []
    assert len(fake_server.device_puts()) == 2  # the refused one, then the one that landed
    assert queued[0].id in fake_server.stored_events


def test_events_the_server_refused_stay_queued_with_their_ids(
    enrolled_home: Path, fake_server: FakeServer
) -> None:
    with Store(enrolled_home) as store:
        store.delete(Key.INSTALLED_EVENT)
        event = record_install(store)
        assert event is not None
        fake_server.events_script = [(500, "boom")]
        enrollment = load_enrollment(store)
        assert enrollment is not None
        with AgentApi.enrolled(enrollment) as api, pytest.raises(Exception, match="HTTP 500: boom"):
            send_pending_events(store, api)
        assert pending_events(store) == [event]
        with AgentApi.enrolled(enrollment) as api:
            ack = send_pending_events(store, api)
        assert ack is not None
        assert (ack.received, ack.stored) == (1, 1)
        assert pending_events(store) == []
    sent = [e.id for upload in fake_server.event_posts() for e in upload.events]
    assert sent.count(event.id) == 2  # the refused try and the acknowledged one: the same id
