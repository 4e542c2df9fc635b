"""Members are asked to acknowledge again only when what applies to THEM changed; the
acknowledgement keeps the text they saw; their pages show their policy and its history."""

from __future__ import annotations

import pytest
from django.test import Client
from scope_testkit import as_member, member_url, override_form, team_url
from server_testkit import World

from worklens_server.companies.models import Member
from worklens_server.policies.models import PolicyAcknowledgement
from worklens_server.policies.services import set_policy_override

pytestmark = pytest.mark.django_db

ACK = "/collection-policy/"


def _acknowledge(client: Client) -> int:
    """Acknowledges what the page shows, as the browser posts it; the answer's status."""
    page = client.get(ACK).content.decode()
    data = {"confirm": "on"}
    for name in ("version", "digest"):
        marker = f'name="{name}" value="'
        data[name] = page.split(marker, 1)[1].split('"', 1)[0]
    return client.post(ACK, data).status_code


def _asked_again(member: Member) -> bool:
    page = as_member(member).get(ACK).content.decode()
    return 'id="ask-again"' in page and 'id="acknowledged"' not in page


def _may_enroll(member: Member) -> bool:
    return as_member(member).post("/devices/codes/").status_code == 200


@pytest.fixture
def everyone_acknowledged(world: World) -> list[Member]:
    people = [world.owner, world.manager, world.employee, world.loner]
    for member in people:
        assert _acknowledge(as_member(member)) == 200
    return people


def test_a_team_change_asks_only_the_teams_members(
    world: World, everyone_acknowledged: list[Member]
) -> None:
    saved = as_member(world.owner).post(team_url(world.team), override_form(1, capture_urls=False))
    assert saved.status_code == 302

    assert _asked_again(world.employee)
    assert _asked_again(world.manager)
    assert not _may_enroll(world.employee)
    assert not _asked_again(world.loner)
    assert not _asked_again(world.owner)
    assert _may_enroll(world.loner)
    page = as_member(world.employee).get(ACK).content.decode()
    assert "The policy changed since you acknowledged version 1; please read it again." in page
    assert "Web addresses (URLs) you visit." in page


def test_a_members_own_change_asks_only_them(
    world: World, everyone_acknowledged: list[Member]
) -> None:
    set_policy_override(actor=world.owner, member=world.employee, changes={"capture_titles": False})

    assert _asked_again(world.employee)
    assert not any(_asked_again(m) for m in (world.manager, world.loner, world.owner))


def test_the_acknowledgement_keeps_the_text_of_their_policy(
    world: World, everyone_acknowledged: list[Member]
) -> None:
    set_policy_override(actor=world.owner, team=world.team, changes={"screenshots_per_interval": 0})
    employee = as_member(world.employee)

    assert _acknowledge(employee) == 200

    ack = PolicyAcknowledgement.objects.filter(member=world.employee).latest("policy_version")
    assert ack.policy_version == 2
    assert "Screenshots: none are taken." in ack.shown["not_collected"]
    assert ack.shown["version"] == 2
    assert not _asked_again(world.employee)
    assert _may_enroll(world.employee)
    loner_ack = PolicyAcknowledgement.objects.get(member=world.loner)
    assert "Screenshots: none are taken." not in loner_ack.shown["not_collected"]


def test_a_change_elsewhere_while_reading_does_not_refuse_them(world: World) -> None:
    employee = as_member(world.employee)
    page = employee.get(ACK).content.decode()
    digest = page.split('name="digest" value="', 1)[1].split('"', 1)[0]
    set_policy_override(actor=world.owner, member=world.loner, changes={"capture_apps": False})

    done = employee.post(ACK, {"version": "1", "digest": digest, "confirm": "on"})

    assert done.status_code == 200
    assert PolicyAcknowledgement.objects.get(member=world.employee).policy_version == 2


def test_a_change_of_their_own_while_reading_refuses_them(world: World) -> None:
    employee = as_member(world.employee)
    page = employee.get(ACK).content.decode()
    digest = page.split('name="digest" value="', 1)[1].split('"', 1)[0]
    set_policy_override(actor=world.owner, team=world.team, changes={"capture_apps": False})

    stale = employee.post(ACK, {"version": "1", "digest": digest, "confirm": "on"})

    assert stale.status_code == 409
    assert "the policy changed while you were reading it (now version 2)" in (
        stale.content.decode()
    )
    assert not PolicyAcknowledgement.objects.filter(member=world.employee).exists()


def test_a_change_undone_before_they_read_it_asks_nothing(
    world: World, everyone_acknowledged: list[Member]
) -> None:
    set_policy_override(actor=world.owner, team=world.team, changes={"capture_apps": False})
    assert _asked_again(world.employee)
    set_policy_override(actor=world.owner, team=world.team, changes={"capture_apps": None})
    assert not _asked_again(world.employee)


def test_what_is_collected_about_me_shows_my_policy_and_its_history(
    world: World, everyone_acknowledged: list[Member]
) -> None:
    set_policy_override(actor=world.owner, team=world.team, changes={"screenshots_per_interval": 0})
    set_policy_override(actor=world.owner, member=world.employee, changes={"capture_titles": False})
    set_policy_override(actor=world.owner, member=world.loner, changes={"capture_urls": False})

    page = as_member(world.employee).get("/account/collected/").content.decode()

    assert 'data-field="screenshots_per_interval" data-source="team"' in page
    assert 'data-field="capture_titles" data-source="member"' in page
    assert 'data-field="capture_urls" data-source="company"' in page
    assert "Screenshots: none are taken." in page
    assert "What applies to you changed since you acknowledged version 1" in page
    assert '<tr data-version="2">' in page
    assert '<tr data-version="3">' in page
    assert '<tr data-version="4">' not in page  # the loner's own settings are theirs
    assert "Olga Owner" in page
    loner_page = as_member(world.loner).get("/account/collected/").content.decode()
    assert '<tr data-version="4">' in loner_page
    assert '<tr data-version="2">' not in loner_page
    assert '<tr data-version="3">' not in loner_page


def test_owners_and_managers_see_whether_a_member_acknowledged(
    world: World, everyone_acknowledged: list[Member]
) -> None:
    manager = as_member(world.manager)
    assert (
        "Acknowledged</span> what applies now"
        in manager.get(member_url(world.employee)).content.decode()
    )
    set_policy_override(actor=world.owner, member=world.employee, changes={"capture_titles": False})
    page = manager.get(member_url(world.employee)).content.decode()
    assert "Asked to acknowledge again</span>" in page
