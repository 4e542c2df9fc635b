"""Management commands: seed_demo (idempotent) and serve (the real production server)."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command

from worklens_server.companies.models import Company, Member
from worklens_server.devices.models import EnrollmentCode
from worklens_server.policies.models import Policy
from worklens_server.projects.models import Project

BIN = Path(sys.executable).parent


def _seed(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("seed_demo", "--json", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_issues_fresh_codes(client: Any) -> None:
    first = _seed("--codes", "2")
    second = _seed("--codes", "3", "--slot-seconds", "30")

    assert second["company_id"] == first["company_id"]
    assert Company.objects.count() == 1
    assert Member.objects.count() == 3
    assert Project.objects.count() == 3
    assert len(first["enrollment_codes"]) == 2
    assert len(second["enrollment_codes"]) == 3
    assert EnrollmentCode.objects.filter(used_at__isnull=True).count() == 5
    policy = Policy.objects.get()
    assert (policy.slot_seconds, policy.version) == (30, 2)
    assert client.login(email=second["owner_email"], password=second["owner_password"])
    assert client.login(email=second["employee_email"], password=second["employee_password"])


@pytest.mark.django_db
def test_seed_demo_policy_defaults_to_one_minute_slots() -> None:
    _seed()
    assert Policy.objects.get().slot_seconds == 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_gunicorn_with_threaded_workers(tmp_path: Path) -> None:
    env = {**os.environ, "WORKLENS_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = BIN / "worklens-server"
    subprocess.run([str(server), "migrate", "-v0"], env=env, check=True, timeout=120)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [str(server), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/api/v1/docs", timeout=1).status_code
            except httpx.HTTPError:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert status == 200
        refused = httpx.get(f"http://127.0.0.1:{port}/api/v1/policy", timeout=5)
        assert refused.status_code == 401
        assert refused.json() == {
            "detail": "Authorization header is missing; send 'Bearer <device token>'"
        }
        output = (tmp_path / "serve.log").read_text()
        assert "Starting gunicorn" in output
        assert "Using worker: gthread" in output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=20) == 0
