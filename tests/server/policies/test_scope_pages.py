"""/teams/<id>/policy/ and /members/<id>/policy/: each setting's value and where it comes from,
the owner's overrides, the managers' bounds, the preview, and the refusals."""

from __future__ import annotations

import re

import pytest
from scope_testkit import (
    as_member,
    company_version,
    enroll,
    member_url,
    override_form,
    policy_rows,
    served,
    team_url,
)
from server_testkit import EnrolledDevice, World

from worklens_server.companies.services import add_team_member, create_team
from worklens_server.policies.models import PolicyChange, PolicyOverride
from worklens_server.policies.services import set_policy_override, update_policy
from worklens_wire.v1 import Policy

pytestmark = pytest.mark.django_db


def _allow_managers(world: World, *fields: str) -> None:
    update_policy(company=world.company, managers_may_change=fields)


def test_owner_sets_a_teams_settings_on_its_page(world: World, device: EnrolledDevice) -> None:
    owner = as_member(world.owner)
    page = owner.get(team_url(world.team)).content.decode()
    assert "Collection policy of team Support" in page
    assert 'data-field="capture_titles" data-source="company"' in page
    assert "Inherit: on, from the company policy" in page

    saved = owner.post(
        team_url(world.team),
        override_form(1, screenshots_per_interval=0, capture_titles=False),
        follow=True,
    )

    html = saved.content.decode()
    assert saved.redirect_chain == [(team_url(world.team), 302)]
    assert "Saved as version 2." in html
    assert 'data-field="capture_titles" data-source="team"' in html
    assert 'data-field="capture_urls" data-source="company"' in html
    assert "Screenshots: none are taken." in html
    assert served(device) == Policy(version=2, screenshots_per_interval=0, capture_titles=False)
    change = PolicyChange.objects.get()
    assert (change.version, change.scope, change.actor, change.team) == (
        2,
        "team",
        world.owner,
        world.team,
    )
    assert change.changes == {
        "capture_titles": [None, False],
        "screenshots_per_interval": [None, 0],
    }
    assert "Window titles: inherits → <strong>off</strong>" in html


def test_owner_sets_a_members_own_settings(world: World, device: EnrolledDevice) -> None:
    set_policy_override(actor=None, team=world.team, changes={"capture_urls": False})
    owner = as_member(world.owner)

    page = owner.get(member_url(world.employee)).content.decode()
    assert "Inherit: off, from the team Support" in page
    saved = owner.post(
        member_url(world.employee),
        override_form(2, capture_urls=True, private_apps=["KeePassXC"], slot_seconds=120),
    )

    assert saved.status_code == 302
    expected = Policy(version=3, private_apps=["KeePassXC"], slot_seconds=120)
    assert served(device) == expected
    html = owner.get(member_url(world.employee)).content.decode()
    assert 'data-field="capture_urls" data-source="member"' in html
    assert "<td>own setting</td>" in html
    assert served(enroll(world.manager)).capture_urls is False


def test_the_pages_are_found_from_teams_and_members(world: World) -> None:
    owner = as_member(world.owner)
    assert f'href="{team_url(world.team)}"' in owner.get("/teams/").content.decode()
    assert (
        f'href="{team_url(world.team)}"' in owner.get(f"/teams/{world.team.pk}/").content.decode()
    )
    members = owner.get("/members/").content.decode()
    assert f'href="{member_url(world.employee)}"' in members
    manager = as_member(world.manager)
    assert f'href="{member_url(world.employee)}"' in manager.get("/members/").content.decode()
    # A manager reaches their team's page from a member's page.
    page = manager.get(member_url(world.employee)).content.decode()
    assert f'href="{team_url(world.team)}"' in page


def test_a_manager_changes_only_what_the_owner_allows(world: World, device: EnrolledDevice) -> None:
    manager = as_member(world.manager)
    page = manager.get(team_url(world.team)).content.decode()
    assert "The owner allows managers to change none of these settings." in page
    before = policy_rows()

    refused = manager.post(team_url(world.team), override_form(1, capture_titles=False))

    assert refused.status_code == 403
    assert "Managers may not change Window titles" in refused.content.decode()
    assert "the owner allows managers to change nothing" in refused.content.decode()
    assert policy_rows() == before

    _allow_managers(world, "capture_titles", "screenshots_per_interval")
    page = manager.get(team_url(world.team)).content.decode()
    assert "Window titles: on or off" in page
    assert "Screenshots per interval: at most 1" in page
    assert 'name="capture_urls" disabled' in page
    saved = manager.post(team_url(world.team), override_form(2, capture_titles=False))
    assert saved.status_code == 302
    assert served(device) == Policy(version=3, capture_titles=False)
    change = PolicyChange.objects.get(version=3)
    assert (change.actor, change.actor_role) == (world.manager, "manager")


def test_fields_a_manager_may_not_change_keep_their_value(world: World) -> None:
    """A browser leaves the disabled fields out: they keep what an owner set. Sent anyway, a
    change of one is refused with the reason, and nothing is stored."""
    set_policy_override(actor=world.owner, team=world.team, changes={"screenshot_quality": 50})
    _allow_managers(world, "capture_titles")
    manager = as_member(world.manager)
    as_browser_sends = {
        key: value
        for key, value in override_form(3, capture_titles=False).items()
        if key in ("version", "capture_titles")
    }
    assert manager.post(team_url(world.team), as_browser_sends).status_code == 302
    expected = {"capture_titles": False, "screenshot_quality": 50}
    assert PolicyOverride.objects.get(team=world.team).values() == expected
    before = policy_rows()

    crafted = manager.post(
        team_url(world.team), override_form(4, capture_titles=False, screenshot_quality=40)
    )

    assert crafted.status_code == 403
    assert "Managers may not change Screenshot JPEG quality" in crafted.content.decode()
    assert policy_rows() == before


@pytest.mark.parametrize(
    ("company", "change", "problem"),
    [
        ({}, {"screenshots_per_interval": 2}, "Screenshots per interval would be 2"),
        ({"capture_titles": False}, {"capture_titles": True}, "Window titles would be on"),
        ({"screenshot_blur": True}, {"screenshot_blur": False}, "Blur screenshots would be off"),
        ({}, {"screenshot_interval_seconds": 300}, "a manager may choose at least 10 minutes"),
        ({}, {"screenshot_quality": 90}, "a manager may choose at most 75"),
        ({"private_apps": ["Signal"]}, {"private_apps": ["KeePassXC"]}, "Private apps would be"),
    ],
)
def test_a_manager_never_collects_more_than_the_company_policy(
    world: World, company: dict[str, object], change: dict[str, object], problem: str
) -> None:
    update_policy(company=world.company, managers_may_change=list(change), **company)
    before = policy_rows()

    refused = as_member(world.manager).post(
        team_url(world.team), override_form(company_version(world.owner), **change)
    )

    html = refused.content.decode()
    assert refused.status_code == 403
    assert "Managers may only collect less than the company policy, never more" in html
    assert problem in html
    assert policy_rows() == before


def test_a_manager_may_set_time_counting_to_any_value(world: World, device: EnrolledDevice) -> None:
    _allow_managers(world, "idle_threshold_seconds", "private_apps")
    manager = as_member(world.manager)
    form = override_form(2, idle_threshold_seconds=1200, private_apps=["KeePassXC"])
    assert manager.post(member_url(world.employee), form).status_code == 302
    assert served(device) == Policy(
        version=3, idle_threshold_seconds=1200, private_apps=["KeePassXC"]
    )


def test_a_manager_cannot_inherit_more_than_the_company_policy(world: World) -> None:
    """An owner gave the team more screenshots than the company; a manager who set fewer for a
    member cannot drop that back to the team's value."""
    update_policy(company=world.company, managers_may_change=["screenshots_per_interval"])
    set_policy_override(actor=world.owner, team=world.team, changes={"screenshots_per_interval": 3})
    set_policy_override(
        actor=world.manager, member=world.employee, changes={"screenshots_per_interval": 0}
    )
    before = policy_rows()

    refused = as_member(world.manager).post(member_url(world.employee), override_form(4))

    assert refused.status_code == 403
    assert "Screenshots per interval would be 3 (inherited from their teams)" in (
        refused.content.decode()
    )
    assert policy_rows() == before


def test_a_manager_cannot_change_their_own_settings(world: World) -> None:
    _allow_managers(world, "capture_titles")
    manager = as_member(world.manager)
    page = manager.get(member_url(world.manager)).content.decode()
    assert "You cannot change your own collection settings; an owner can." in page
    before = policy_rows()
    refused = manager.post(member_url(world.manager), override_form(2, capture_titles=False))
    assert refused.status_code in (302, 403)
    assert policy_rows() == before


def test_a_manager_of_another_team_is_refused(world: World) -> None:
    other = create_team(company=world.company, name="Sales")
    add_team_member(team=other, member=world.loner)
    _allow_managers(world, "capture_titles")
    manager = as_member(world.manager)
    before = policy_rows()
    for url in (team_url(other), member_url(world.loner), member_url(world.owner)):
        assert manager.get(url).status_code == 404, url
        assert manager.post(url, override_form(2, capture_titles=False)).status_code == 404, url
    assert policy_rows() == before


def test_employees_are_refused_even_their_own(world: World) -> None:
    employee = as_member(world.employee)
    before = policy_rows()
    for url in (team_url(world.team), member_url(world.employee)):
        assert employee.get(url).status_code in (403, 404)
        assert employee.post(url, override_form(1, capture_titles=False)).status_code in (403, 404)
    assert policy_rows() == before


def test_the_preview_shows_the_text_without_saving(world: World) -> None:
    owner = as_member(world.owner)
    data = override_form(1, capture_urls=False, screenshot_blur=True) | {"preview": "1"}

    partial = owner.post(team_url(world.team), data, HTTP_HX_REQUEST="true").content.decode()

    assert partial.startswith('<div class="card wide-form" id="policy-preview"')
    assert "Preview: what a member only in Support will read" in partial
    assert "Not saved yet. Saving creates version 2." in partial
    assert "Web addresses (URLs) you visit." in partial
    assert "blurred on your computer before they are uploaded" in partial
    invalid = owner.post(team_url(world.team), data | {"slot_seconds": "1"}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 200
    assert "slot_seconds: Ensure this value is greater than or equal to 5." in (
        invalid.content.decode()
    )
    assert policy_rows() == {"overrides": 0, "changes": 0, "versions": 2}


def test_a_change_made_meanwhile_is_not_overwritten(world: World) -> None:
    owner = as_member(world.owner)
    stale = override_form(1, capture_urls=False)
    set_policy_override(actor=None, team=world.team, changes={"capture_titles": False})

    response = owner.post(team_url(world.team), stale)

    assert response.status_code == 409
    assert "changed by someone else while you edited them (now version 2)" in (
        response.content.decode()
    )
    assert PolicyOverride.objects.get(team=world.team).values() == {"capture_titles": False}
    # A change of another team or member meanwhile is no conflict.
    set_policy_override(actor=None, member=world.loner, changes={"capture_apps": False})
    assert owner.post(team_url(world.team), override_form(2, capture_urls=False)).status_code == 302


def test_the_team_page_says_whose_policy_differs(world: World) -> None:
    set_policy_override(actor=None, member=world.employee, changes={"capture_apps": False})
    html = as_member(world.owner).get(team_url(world.team)).content.decode()
    assert f'<tr data-member="{world.employee.pk}">' in html
    assert "has own settings" in html
    assert "as above" in html  # the manager


def test_the_history_page_lists_every_version_newest_first(world: World) -> None:
    update_policy(company=world.company, actor=world.owner, capture_urls=False)
    set_policy_override(actor=world.owner, team=world.team, changes={"capture_titles": False})
    set_policy_override(actor=world.owner, member=world.employee, changes={"capture_apps": False})
    as_member(world.owner).post(f"/teams/{world.team.pk}/delete/")

    page = as_member(world.owner).get("/company/policy/history/").content.decode()

    versions = [int(v) for v in re.findall(r'<tr data-version="(\d+)">', page)]
    assert versions == [5, 4, 3, 2]
    assert "team Support (deleted)" in page
    assert "own settings of Eli Employee" in page
    assert "Web addresses (URLs): on → <strong>off</strong>" in page
    assert "<td>WorkLens</td>" in page  # the deleted team's settings went with it
    assert as_member(world.manager).get("/company/policy/history/").status_code == 403
