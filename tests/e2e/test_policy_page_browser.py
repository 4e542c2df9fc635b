"""The owner changes the collection policy in a real browser: the plain-words preview follows the
form as it is edited (htmx), a value the agent would refuse is shown as an error, saving creates
version 2, the agent API serves it, and the employee is asked to read and acknowledge it again.
The page is saved at phone and desktop widths to artifacts/.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent API spoken over HTTP
with the wire models, Debian's Chromium via Playwright.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    chromium,
    log_in,
    needs_chromium,
    running_stack,
)
from worklens_wire.v1 import DeviceInfo, EnrollRequest, Policy

pytestmark = [pytest.mark.browser, needs_chromium]


def _enroll(base_url: str, code: str) -> str:
    device = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname="emmas-laptop",
        os_name="Linux",
        os_version="Debian 12",
        machine_id_hash=hashlib.sha256(b"policy page test").hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
    )
    body = EnrollRequest(code=code, device=device).model_dump_json()
    enrolled = httpx.post(f"{base_url}/api/v1/enroll", content=body, timeout=30)
    assert enrolled.status_code == 201, enrolled.text
    return str(enrolled.json()["token"])


def test_owner_changes_the_policy_in_the_browser(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "1") as stack:
        server, demo = stack.server, stack.demo
        token = _enroll(server.url, demo["enrollment_codes"][0])
        with chromium() as browser:
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            owner.get_by_role("link", name="Collection policy").click()
            expect(owner.locator("h1")).to_have_text("What WorkLens Demo collects")
            expect(owner.locator("#new-version-note")).to_contain_text("within 5 minutes")
            preview = owner.locator("#policy-preview")
            expect(preview).to_contain_text("What members read now")
            # The policy's own fields, not the "managers may change" boxes of the same names.
            fields = owner.locator("#policy-fields")

            fields.get_by_label("Web addresses (URLs)").uncheck()
            expect(preview).to_contain_text("Not saved yet. Saving creates version 2.")
            expect(preview.locator("#not-collected")).to_contain_text("Web addresses (URLs)")
            fields.get_by_label("Private apps").fill("KeePassXC\n\nSignal\n")
            expect(preview).to_contain_text(
                "no screenshot is taken while one of these is in front: KeePassXC, Signal"
            )
            fields.get_by_label("Activity slot length").fill("2")
            fields.get_by_label("Activity slot length").blur()
            expect(preview.locator("#preview-errors")).to_be_visible()
            expect(preview).to_contain_text("greater than or equal to 5")
            fields.get_by_label("Activity slot length").fill("300")
            fields.get_by_label("Activity slot length").blur()
            expect(preview).to_contain_text("in every 5 minutes")

            for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
                owner.set_viewport_size(size)
                ARTIFACTS.mkdir(exist_ok=True)
                owner.screenshot(path=str(ARTIFACTS / f"policy-page-{name}.png"), full_page=True)

            owner.get_by_role("button", name="Save as a new version").click()
            expect(owner.locator(".messages")).to_contain_text("Saved as version 2.")
            expect(owner.locator("#policy-fields").get_by_label("Private apps")).to_have_value(
                "KeePassXC\nSignal"
            )

            served = httpx.get(
                f"{server.url}/api/v1/policy", headers={"Authorization": f"Bearer {token}"}
            )
            policy = Policy.model_validate_json(served.content)
            assert (policy.version, policy.capture_urls, policy.slot_seconds) == (2, False, 300)
            assert policy.private_apps == ["KeePassXC", "Signal"]

            employee = log_in(browser, server, demo["employee_email"], demo["employee_password"])
            expect(employee.get_by_role("link", name="Collection policy")).to_have_count(0)
            employee.get_by_role("link", name="What is collected").click()
            expect(employee.locator(".policy")).to_have_attribute("data-policy-version", "2")
            expect(employee.locator("#not-collected")).to_contain_text("Web addresses (URLs)")
            employee.get_by_label("I have read what is collected about me.").check()
            employee.get_by_role("button", name="Acknowledge and get my enrollment code").click()
            expect(employee).to_have_url(re.compile(r"/collection-policy/$"))
            expect(employee.locator("#enrollment-code")).to_be_visible()
