"""GET /api/v1/version: no token needed; the latest agent comes from settings."""

from __future__ import annotations

from typing import Any

from django.test import Client

from worklens_server import __version__ as server_version
from worklens_wire.v1 import VersionInfo


def test_version_defaults_to_the_servers_own_release(api: Client) -> None:
    response = api.get("/api/v1/version")
    assert response.status_code == 200, response.content
    info = VersionInfo.model_validate_json(response.content)
    assert server_version == "0.1.0"  # the installed distribution's version, not a fallback
    assert info == VersionInfo(
        server_version="0.1.0", latest_agent_version="0.1.0", agent_download_url=""
    )


def test_version_names_the_configured_latest_agent(api: Client, settings: Any) -> None:
    settings.WORKLENS_LATEST_AGENT_VERSION = "0.3.0"
    settings.WORKLENS_AGENT_DOWNLOAD_URL = "https://example.com/worklens-agent-0.3.0.whl"
    info = VersionInfo.model_validate_json(api.get("/api/v1/version").content)
    assert (info.latest_agent_version, info.agent_download_url) == (
        "0.3.0",
        "https://example.com/worklens-agent-0.3.0.whl",
    )


def test_version_is_in_the_published_schema(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/version" in schema["paths"]
    assert "/api/v1/device/events" in schema["paths"]
    assert "VersionInfo" in schema["components"]["schemas"]
