"""Team and member policies in a real browser: the owner lets managers switch window titles off
and turns screenshots off for one team; the manager switches titles off for one member of their
team. Only the members whose policy changed are asked to acknowledge again, and the agent API
answers each member's device with that member's policy. The member page is saved at phone and
desktop widths to artifacts/.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent API spoken over HTTP
with the wire models, Debian's Chromium via Playwright.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    acknowledge_policy,
    chromium,
    log_in,
    needs_chromium,
    running_stack,
)
from tests.e2e.processes import ServerProcess
from worklens_wire.v1 import DeviceInfo, EnrollRequest, Policy

pytestmark = [pytest.mark.browser, needs_chromium]

DOMAIN = "demo.worklens.example"
EMMA, SECOND, THIRD = (f"employee@{DOMAIN}", f"employee2@{DOMAIN}", f"employee3@{DOMAIN}")


def _enroll(base_url: str, code: str) -> str:
    device = DeviceInfo(
        installation_id=uuid.uuid4(),
        hostname=f"laptop-{code[:4]}",
        os_name="Linux",
        os_version="Debian 12",
        machine_id_hash=hashlib.sha256(code.encode()).hexdigest(),
        timezone="UTC",
        agent_version="0.1.0",
    )
    body = EnrollRequest(code=code, device=device).model_dump_json()
    enrolled = httpx.post(f"{base_url}/api/v1/enroll", content=body, timeout=30)
    assert enrolled.status_code == 201, enrolled.text
    return str(enrolled.json()["token"])


def _served(base_url: str, token: str) -> Policy:
    answer = httpx.get(f"{base_url}/api/v1/policy", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return Policy.model_validate_json(answer.content)


def _asked_again(browser: Browser, server: ServerProcess, email: str, password: str) -> bool:
    page = log_in(browser, server, email, password)
    page.get_by_role("link", name="What is collected").click()
    expect(page.locator("#ask-again, #acknowledged")).to_have_count(1)
    asked = page.locator("#ask-again").count() == 1
    page.context.close()
    return asked


def test_owner_and_manager_set_team_and_member_policies(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "3", "--employees", "3") as stack:
        server, demo = stack.server, stack.demo
        # Codes go to the employees in turn: Emma, employee 2, employee 3.
        tokens = [_enroll(server.url, code) for code in demo["enrollment_codes"]]
        password = demo["employee_password"]
        with chromium() as browser:
            for email in (EMMA, SECOND, THIRD):
                page = log_in(browser, server, email, password)
                page.get_by_role("link", name="What is collected").click()
                acknowledge_policy(page)
                page.context.close()

            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            owner.get_by_role("link", name="Collection policy").click()
            owner.locator("#managers-may-change").get_by_label("Window titles").check()
            owner.get_by_role("button", name="Save as a new version").click()
            expect(owner.locator(".messages")).to_contain_text("Saved as version 2.")

            owner.get_by_role("navigation").get_by_role("link", name="Teams").click()
            owner.fill("input[name=name]", "Back office")
            owner.get_by_role("button", name="Create team").click()
            owner.locator("select[name=member]").select_option(label="Employee 3 (Employee)")
            owner.get_by_role("button", name="Add", exact=True).click()
            expect(owner.locator("#team-members")).to_contain_text(THIRD)
            owner.get_by_role("link", name="collection policy", exact=True).click()
            expect(owner.locator("h1")).to_contain_text("Collection policy of team Back office")
            owner.get_by_label("Screenshots per interval").fill("0")
            owner.get_by_label("Screenshots per interval").blur()
            expect(owner.locator("#policy-preview")).to_contain_text("Saving creates version 3.")
            expect(owner.locator("#policy-preview #not-collected")).to_contain_text(
                "Screenshots: none are taken."
            )
            owner.get_by_role("button", name="Save as a new version").click()
            expect(owner.locator(".messages")).to_contain_text("Saved as version 3.")
            source = owner.locator('[data-field="screenshots_per_interval"]')
            expect(source).to_contain_text("team Back office")

            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            manager.get_by_role("link", name="Members").click()
            row = manager.locator("#members tr", has_text=SECOND)
            row.get_by_role("link", name="Collection policy").click()
            expect(manager.locator("#manager-bounds")).to_contain_text("Window titles: on or off")
            expect(manager.get_by_label("Screenshots per interval")).to_be_disabled()
            manager.get_by_label("Window titles").select_option("off")
            expect(manager.locator("#policy-preview #not-collected")).to_contain_text(
                "Window titles."
            )
            for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
                manager.set_viewport_size(size)
                ARTIFACTS.mkdir(exist_ok=True)
                path = ARTIFACTS / f"member-policy-page-{name}.png"
                manager.screenshot(path=str(path), full_page=True)
            manager.get_by_role("button", name="Save as a new version").click()
            expect(manager.locator(".messages")).to_contain_text("Saved as version 4.")
            expect(manager.locator('[data-field="capture_titles"]')).to_contain_text("own setting")
            expect(manager.locator("#acknowledgement")).to_contain_text(
                "Asked to acknowledge again"
            )

            assert not _asked_again(browser, server, EMMA, password)
            assert _asked_again(browser, server, SECOND, password)
            assert _asked_again(browser, server, THIRD, password)

        emma, second, third = (_served(server.url, token) for token in tokens)
        assert {emma.version, second.version, third.version} == {4}
        assert (emma.capture_titles, emma.screenshots_per_interval) == (True, 1)
        assert (second.capture_titles, second.screenshots_per_interval) == (False, 1)
        assert (third.capture_titles, third.screenshots_per_interval) == (True, 0)
        assert emma.model_dump(exclude={"version"}) == Policy(
            version=4, slot_seconds=60
        ).model_dump(exclude={"version"})
