"""An owner creates a project with a task in a real browser and assigns the employee; the real
agent (`worklens-agent projects --json`, a separate process against the real server) lists it,
and no longer does once the owner archives it. A manager creating a project is offered only the
members of the team they manage. The pages are saved at phone and desktop widths to artifacts/.

Real parts: `worklens-server serve` and `db_worker` as processes, the agent CLI as processes,
Debian's Chromium through Playwright.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    chromium,
    log_in,
    needs_chromium,
    running_stack,
)
from tests.e2e.processes import AgentProcess, ServerProcess

pytestmark = [pytest.mark.browser, needs_chromium]

LONER = "lou.loner@demo.worklens.example"
ADD_LONER = f"""
import json
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Company, Member
from worklens_server.companies.services import add_member
company = Company.objects.get(name="WorkLens Demo")
user = create_user(email="{LONER}", password="not used here", full_name="Lou Loner", verified=True)
print(json.dumps(str(add_member(company=company, user=user, role=Member.Role.EMPLOYEE).pk)))
"""


def _agent_projects(agent: AgentProcess) -> dict[str, list[str]]:
    listed: list[dict[str, Any]] = json.loads(agent.cli("projects", "--json"))
    return {p["name"]: [t["name"] for t in p["tasks"]] for p in listed}


def _save(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def test_owner_assigns_a_project_the_agent_lists_until_it_is_archived(tmp_path: Path) -> None:
    with running_stack(tmp_path / "server", "--codes", "1") as stack:
        server, demo = stack.server, stack.demo
        server.query(ADD_LONER)
        agent = AgentProcess(tmp_path / "agent")
        agent.cli("enroll", server.url, demo["enrollment_codes"][0])
        demo_projects = _agent_projects(agent)
        assert set(demo_projects) == {"Customer support", "Internal", "Website relaunch"}

        with chromium() as browser:
            owner = log_in(browser, server, demo["owner_email"], demo["owner_password"])
            _owner_creates_and_assigns(owner)
            assert _agent_projects(agent) == demo_projects | {"Launch": ["Press kit"]}

            owner.once("dialog", lambda dialog: dialog.accept())
            owner.get_by_role("button", name="Archive project").click()
            expect(owner.locator(".messages")).to_contain_text("Launch is archived")
            assert _agent_projects(agent) == demo_projects
            owner.get_by_role("link", name="all projects").click()
            expect(owner.locator("#projects")).not_to_contain_text("Launch")
            owner.get_by_role("link", name="Archived").click()
            expect(owner.locator("#projects")).to_contain_text("Launch")

            manager = log_in(browser, server, demo["manager_email"], demo["manager_password"])
            _manager_sees_only_their_team(manager, server, demo)


def _owner_creates_and_assigns(owner: Page) -> None:
    owner.get_by_role("link", name="Projects").click()
    expect(owner.locator("h1")).to_contain_text("Projects")
    new = owner.locator("#new-project form")
    new.get_by_label("Name").fill("Launch")
    new.get_by_label("Tasks").fill("Press kit")
    new.get_by_label("Budget (hours)").fill("20")
    new.get_by_label("Hourly rate").fill("95")
    new.get_by_role("button", name="Create project").click()
    expect(owner.locator("h1")).to_contain_text("Launch")
    expect(owner.locator("#tasks")).to_contain_text("0:00:00")
    expect(owner.locator("#project-totals")).to_contain_text("0% of 20 h")
    expect(owner.locator("#project-totals")).to_contain_text("95.00 EUR/h")

    assign = owner.locator("#assign-member")
    assign.locator("select[name=member]").select_option(label=_option("Emma Employee", owner))
    assign.get_by_role("button", name="Add").click()  # htmx: the members part is replaced
    expect(owner.locator("#members")).to_contain_text("employee@demo.worklens.example")
    _save(owner, "project-page-owner")


def _option(name: str, page: Page) -> str:
    options = page.locator("#assign-member select[name=member] option").all_inner_texts()
    return next(text for text in options if text.startswith(name))


def _manager_sees_only_their_team(
    manager: Page, server: ServerProcess, demo: dict[str, Any]
) -> None:
    manager.get_by_role("link", name="Projects").click()
    new = manager.locator("#new-project form")
    expect(new.get_by_label("Hourly rate")).to_have_count(0)
    new.get_by_label("Name").fill("Team sprint")
    new.get_by_role("button", name="Create project").click()
    expect(manager.locator("h1")).to_contain_text("Team sprint")
    options = manager.locator("#assign-member select[name=member] option").all_inner_texts()
    assert any(demo["employee_email"] in option for option in options), options
    assert not any(LONER in option or demo["owner_email"] in option for option in options)
    expect(manager.locator("#project-totals")).not_to_contain_text("EUR")
    _save(manager, "project-page-manager")
    manager.get_by_role("link", name="all projects").click()
    expect(manager.locator("#projects")).to_contain_text("managed by the owners")
    _save(manager, "projects-list-manager")
