"""Alerts in a real browser: the demo employee's agent reports that screenshots cannot be taken
while the policy asks for them. `check_alerts` (as cron runs it) opens the alert: the employee's
manager sees it on Team today and gets one e-mail through the real worker and SMTP server, however
many checks run; a manager of another team sees nothing of it.

The capture-failing kind is used because it holds at any hour: these tests run on the real clock,
and the other kinds depend on working hours (their server tests pin the clock).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import ARTIFACTS, chromium, log_in, needs_chromium, running_stack
from tests.e2e.processes import ServerProcess
from tests.smtp_sink import text_body
from worklens_wire.v1 import CaptureSource, DeviceInfo, EnrollRequest

pytestmark = [pytest.mark.browser, needs_chromium]

OTHER_MANAGER = "other-manager@demo.example"
OTHER_PASSWORD = "another team's manager 1"

#: A second team with its own manager, who must not see the demo team's alerts.
ADD_OTHER_TEAM = f"""
import json
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Company, Member
from worklens_server.companies.services import add_member, add_team_member, create_team
company = Company.objects.get()
user = create_user(email={OTHER_MANAGER!r}, password={OTHER_PASSWORD!r}, verified=True,
                   full_name="Otto Other")
member = add_member(company=company, user=user, role=Member.Role.MANAGER)
add_team_member(team=create_team(company=company, name="Sales"), member=member, is_manager=True)
print(json.dumps(True))
"""

OPEN_ALERTS = """
import json
from worklens_server.alerts.models import Alert
print(json.dumps(list(Alert.objects.values_list("kind", "member__user__email", "closed_at"))))
"""


def _enroll_without_screenshots(server: ServerProcess, code: str) -> None:
    device = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname="eli-laptop",
        os_name="Linux",
        machine_id_hash=hashlib.sha256(b"alerts browser").hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
        sources=[
            CaptureSource(name="time", available=True),
            CaptureSource(name="screenshot", available=False, reason="Wayland session"),
        ],
    )
    with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as client:
        enrolled = client.post(
            "/enroll", content=EnrollRequest(code=code, device=device).model_dump_json()
        )
        assert enrolled.status_code == 201, enrolled.text


def test_the_manager_sees_and_is_mailed_an_alert_once_another_teams_manager_does_not(
    tmp_path: Path,
) -> None:
    with running_stack(tmp_path / "server", "--codes", "1") as stack:
        server, demo, smtp = stack.server, stack.demo, stack.smtp
        server.query(ADD_OTHER_TEAM)
        server.manage(
            "shell",
            "-c",
            "from worklens_server.alerts.services import save_alert_settings; "
            "from worklens_server.companies.models import Company; "
            "save_alert_settings(company=Company.objects.get(), values={'silent_on': False, "
            "'not_tracking_on': False, 'low_activity_on': False})",
        )
        _enroll_without_screenshots(server, demo["enrollment_codes"][0])
        for _ in range(3):  # three minutes of cron, at once
            server.manage("check_alerts")

        message = smtp.wait_for_subject(demo["manager_email"], "Capture failing", timeout=60)
        assert "Screenshots (Wayland session) not working" in text_body(message)
        assert [kind for kind, _, closed in server.query(OPEN_ALERTS) if closed is None] == [
            "sources"
        ]
        ARTIFACTS.mkdir(exist_ok=True)
        with chromium() as browser:
            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            strip = manager.locator("#alerts")
            expect(strip).to_contain_text("Capture failing")
            expect(strip).to_contain_text("Screenshots (Wayland session) not working")
            expect(manager.locator("a.badge.alert")).to_have_count(1)
            manager.screenshot(
                path=str(ARTIFACTS / "alerts-team-today-manager.png"), full_page=True
            )

            other = log_in(browser, server, OTHER_MANAGER, OTHER_PASSWORD)
            expect(other.locator("table.grid")).to_be_visible()
            expect(other.locator("#alerts")).to_have_count(0)
            expect(other.locator("body")).not_to_contain_text("Wayland session")
            other.screenshot(
                path=str(ARTIFACTS / "alerts-team-today-other-manager.png"), full_page=True
            )

        time.sleep(2)  # anything the worker still had would have arrived
        assert [str(m["Subject"]) for m in smtp.received_by(demo["manager_email"])] == [
            str(message["Subject"])
        ]
        assert smtp.received_by(OTHER_MANAGER) == []
