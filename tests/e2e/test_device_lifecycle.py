"""The real agent and the real server through a device's life: enrollment records the install,
a run reports the changed device information once and learns of a newer agent, and uninstall
deletes the agent's data only after the server has recorded it."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.e2e.processes import AgentProcess, ServerProcess, server_database, wait_until

SERVER_HISTORY = """
import json
from worklens_server.devices.models import Device, DeviceEvent
device = Device.objects.get()
print(json.dumps({
    "uninstalled_at": None if device.uninstalled_at is None else device.uninstalled_at.isoformat(),
    "sources": device.sources,
    "events": [
        [e.kind, str(e.id), sorted(e.details)]
        for e in DeviceEvent.objects.filter(device=device).order_by("received_at", "at")
    ],
}))
"""


def test_install_info_change_update_and_uninstall_reach_the_server(tmp_path: Path) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(
            env
            | {
                "WORKLENS_LATEST_AGENT_VERSION": "9.9.9",
                "WORKLENS_AGENT_DOWNLOAD_URL": "https://downloads.example/worklens-agent-9.9.9",
            }
        )
        demo = server.migrate_and_seed("--codes", "1")
        server.start()
        config = tmp_path / "config"
        agent = AgentProcess(tmp_path / "agent", {"XDG_CONFIG_HOME": str(config)})
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            assert agent.cli("autostart", "on").startswith("autostart: on ")
            agent.start_run()
            wait_until(
                lambda: agent.status()["update_available"] is not None,
                timeout=30,
                what="the update check",
            )
            wait_until(
                lambda: any(e[0] == "info_changed" for e in server.query(SERVER_HISTORY)["events"]),
                timeout=30,
                what="the device information sent by the run",
            )
            agent.kill_run(signal.SIGTERM)
            status = agent.status()
            out = agent.cli("uninstall")
            history = server.query(SERVER_HISTORY)
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    assert status["update_available"] == {
        "latest_version": "9.9.9",
        "download_url": "https://downloads.example/worklens-agent-9.9.9",
    }
    assert "The server acknowledged the uninstall." in out
    kinds = [kind for kind, _id, _details in history["events"]]
    assert kinds == ["enrolled", "install", "info_changed", "uninstall"], history
    info_changed = history["events"][2]
    assert info_changed[2] == ["sources"]  # what the run added to what enrollment sent
    assert history["sources"][0] == {"name": "time", "available": True, "reason": ""}
    assert history["uninstalled_at"] is not None
    assert not (agent.home / "agent.sqlite3").exists()
    assert not (config / "autostart" / "worklens-agent.desktop").exists()
