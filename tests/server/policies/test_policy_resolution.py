"""What applies to a member: member settings > team settings > company policy, several teams
combined toward collecting less, read by the agent API per device, in two queries."""

from __future__ import annotations

from typing import Any

import pytest
from scope_testkit import as_member, company_version, enroll, served
from server_testkit import EnrolledDevice, World

from worklens_server.companies.models import Team
from worklens_server.companies.services import add_team_member, create_team
from worklens_server.policies.models import PolicyChange, PolicyOverride
from worklens_server.policies.selectors import get_effective_policy
from worklens_server.policies.services import set_policy_override, update_policy
from worklens_wire.v1 import Policy

pytestmark = pytest.mark.django_db


def _second_team(world: World, name: str = "Night shift") -> Team:
    team = create_team(company=world.company, name=name)
    add_team_member(team=team, member=world.employee)
    return team


def test_without_overrides_everyone_gets_the_company_policy(
    world: World, device: EnrolledDevice
) -> None:
    update_policy(company=world.company, capture_urls=False)
    assert served(device) == Policy(version=2, capture_urls=False)
    assert served(enroll(world.loner)) == Policy(version=2, capture_urls=False)


def test_team_settings_apply_to_its_members_and_managers_only(
    world: World, device: EnrolledDevice
) -> None:
    set_policy_override(
        actor=world.owner,
        team=world.team,
        changes={"screenshots_per_interval": 0, "capture_titles": False},
    )

    expected = Policy(version=2, screenshots_per_interval=0, capture_titles=False)
    assert served(device) == expected
    assert served(enroll(world.manager)) == expected  # the team's manager is in the team
    assert served(enroll(world.loner)) == Policy(version=2)
    assert served(enroll(world.owner)) == Policy(version=2)


def test_own_settings_beat_the_teams_and_the_teams_beat_the_company(
    world: World, device: EnrolledDevice
) -> None:
    update_policy(company=world.company, slot_seconds=300, screenshots_per_interval=2)
    set_policy_override(actor=None, team=world.team, changes={"screenshots_per_interval": 1})
    set_policy_override(actor=None, member=world.employee, changes={"screenshots_per_interval": 3})

    assert served(device) == Policy(version=4, slot_seconds=300, screenshots_per_interval=3)
    assert served(enroll(world.manager)).screenshots_per_interval == 1
    assert served(enroll(world.loner)).screenshots_per_interval == 2


def test_inheriting_again_removes_the_setting(world: World, device: EnrolledDevice) -> None:
    set_policy_override(actor=None, member=world.employee, changes={"capture_urls": False})
    assert PolicyOverride.objects.filter(member=world.employee).count() == 1

    set_policy_override(actor=None, member=world.employee, changes={"capture_urls": None})

    assert served(device) == Policy(version=3)
    assert PolicyOverride.objects.count() == 0


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # Any "off" wins; blurring on wins.
        ({"capture_titles": False}, {"capture_titles": True}, {"capture_titles": False}),
        ({"capture_activity": True}, {"capture_activity": False}, {"capture_activity": False}),
        ({"screenshot_blur": True}, {"screenshot_blur": False}, {"screenshot_blur": True}),
        # Fewer screenshots, a longer interval, lower quality, a narrower image.
        (
            {"screenshots_per_interval": 3},
            {"screenshots_per_interval": 1},
            {"screenshots_per_interval": 1},
        ),
        (
            {"screenshot_interval_seconds": 300},
            {"screenshot_interval_seconds": 900},
            {"screenshot_interval_seconds": 900},
        ),
        ({"screenshot_quality": 90}, {"screenshot_quality": 40}, {"screenshot_quality": 40}),
        (
            {"screenshot_max_width": 1280},
            {"screenshot_max_width": 2560},
            {"screenshot_max_width": 1280},
        ),
        # Not about collection: the longest slot and idle threshold (kindest to the member).
        ({"slot_seconds": 120}, {"slot_seconds": 900}, {"slot_seconds": 900}),
        (
            {"idle_threshold_seconds": 600},
            {"idle_threshold_seconds": 60},
            {"idle_threshold_seconds": 600},
        ),
        # Private apps: united, each once whatever its case, in team-name order.
        (
            {"private_apps": ["KeePassXC", "Signal"]},
            {"private_apps": ["signal", "1Password"]},
            {"private_apps": ["KeePassXC", "Signal", "1Password"]},
        ),
        # A team that inherits a field has no say in it, even when the company collects less.
        (
            {"screenshots_per_interval": 3},
            {"capture_urls": False},
            {"screenshots_per_interval": 3, "capture_urls": False},
        ),
    ],
)
def test_a_member_of_several_teams_gets_what_collects_least(
    world: World,
    device: EnrolledDevice,
    first: dict[str, Any],
    second: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    update_policy(company=world.company, screenshots_per_interval=2)
    set_policy_override(actor=None, team=_second_team(world, "Alpha"), changes=first)
    set_policy_override(actor=None, team=world.team, changes=second)  # "Support"

    policy = served(device)

    assert policy == Policy(version=4, **{"screenshots_per_interval": 2, **expected})


def test_united_private_apps_stay_within_the_agents_limit(
    world: World, device: EnrolledDevice
) -> None:
    set_policy_override(
        actor=None, team=world.team, changes={"private_apps": [f"a{n}" for n in range(150)]}
    )
    set_policy_override(
        actor=None,
        team=_second_team(world),
        changes={"private_apps": [f"b{n}" for n in range(150)]},
    )
    apps = served(device).private_apps
    assert len(apps) == 200
    assert apps[:150] == [f"b{n}" for n in range(150)]  # "Night shift" before "Support"


def test_settings_the_agent_would_refuse_are_refused(world: World) -> None:
    for changes in (
        {"slot_seconds": 4},
        {"screenshots_per_interval": 4},
        {"private_apps": ["x" * 256]},
    ):
        with pytest.raises(ValueError, match=next(iter(changes))):
            set_policy_override(actor=None, team=world.team, changes=changes)
    with pytest.raises(ValueError, match="unknown policy fields: keystrokes"):
        set_policy_override(actor=None, team=world.team, changes={"keystrokes": True})
    assert PolicyOverride.objects.count() == 0
    assert company_version(world.owner) == 1


def test_the_effective_policy_costs_two_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        team = _second_team(world, f"Team {number}")
        set_policy_override(actor=None, team=team, changes={"screenshot_quality": 50 + number})
    set_policy_override(actor=None, team=world.team, changes={"capture_urls": False})
    set_policy_override(actor=None, member=world.employee, changes={"capture_titles": False})

    with django_assert_max_num_queries(2):
        policy = get_effective_policy(member_id=world.employee.pk, company_id=world.company.pk)

    assert (policy.screenshot_quality, policy.capture_urls, policy.capture_titles) == (
        50,
        False,
        False,
    )
    with django_assert_max_num_queries(2):
        get_effective_policy(member_id=world.loner.pk, company_id=world.company.pk)


def test_every_change_takes_the_next_version(world: World, device: EnrolledDevice) -> None:
    loner = enroll(world.loner)
    set_policy_override(actor=None, team=world.team, changes={"capture_urls": False})
    assert served(device).version == 2
    set_policy_override(actor=None, member=world.loner, changes={"capture_apps": False})
    assert (served(device).version, served(loner).version) == (3, 3)
    # Nothing changed, no version.
    assert set_policy_override(actor=None, team=world.team, changes={"capture_urls": False}) is None
    update_policy(company=world.company, capture_urls=False)  # the team's value, now the company's
    assert (served(device).version, served(loner).version) == (4, 4)


def test_joining_or_leaving_a_team_with_settings_takes_a_new_version(
    world: World, device: EnrolledDevice
) -> None:
    """Through the teams pages (companies app): what applies to the member changes, and so does
    the version their agent gets; the history says what a deleted team's settings were."""
    owner = as_member(world.owner)
    loner = enroll(world.loner)
    quiet = create_team(company=world.company, name="Quiet")
    owner.post(f"/teams/{quiet.pk}/members/", {"member": str(world.loner.pk)})
    assert served(loner) == Policy(version=1)  # a team without settings changes nothing

    set_policy_override(actor=None, team=world.team, changes={"capture_titles": False})
    owner.post(f"/teams/{world.team.pk}/members/", {"member": str(world.loner.pk)})
    joined = served(loner)
    assert (joined.version, joined.capture_titles) == (3, False)

    owner.post(f"/teams/{world.team.pk}/members/{world.loner.pk}/remove/")
    left = served(loner)
    assert (left.version, left.capture_titles) == (4, True)

    assert owner.post(f"/teams/{world.team.pk}/delete/").status_code == 302
    assert served(device) == Policy(version=5)
    gone = PolicyChange.objects.get(version=5)
    assert (gone.scope, gone.team_name, gone.actor) == ("team", "Support", None)
    assert gone.changes == {"capture_titles": [False, None]}
