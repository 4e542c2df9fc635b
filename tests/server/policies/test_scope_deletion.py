"""What deleting an account or removing a member does to the policy's rows: their own settings
and the history of them go; changes they made to other people's settings stay, by "a deleted
account"."""

from __future__ import annotations

import pytest
from scope_testkit import as_member, company_version, member_url
from server_testkit import World

from worklens_server.policies.models import PolicyAcknowledgement, PolicyChange, PolicyOverride
from worklens_server.policies.services import set_policy_override, update_policy

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_a_deleted_account_takes_its_own_settings_and_leaves_its_changes(world: World) -> None:
    update_policy(company=world.company, managers_may_change=["capture_titles"])
    set_policy_override(actor=world.owner, member=world.manager, changes={"capture_urls": False})
    set_policy_override(
        actor=world.manager, member=world.employee, changes={"capture_titles": False}
    )
    version = company_version(world.owner)

    deleted = as_member(world.manager).post("/account/delete/", {"password": PASSWORD})

    assert deleted.status_code == 200
    assert not PolicyOverride.objects.filter(member_id=world.manager.pk).exists()
    assert not PolicyChange.objects.filter(member_id=world.manager.pk).exists()
    left = PolicyChange.objects.get(member=world.employee)
    assert (left.actor, left.actor_role) == (None, "manager")
    assert PolicyOverride.objects.get(member=world.employee).values() == {"capture_titles": False}
    assert company_version(world.owner) == version  # nobody else's policy changed
    page = as_member(world.owner).get(member_url(world.employee)).content.decode()
    assert "a deleted account" in page


def test_removing_a_member_takes_their_settings_and_acknowledgements(world: World) -> None:
    as_member(world.employee).post("/collection-policy/", {"version": "1", "confirm": "on"})
    set_policy_override(actor=world.owner, member=world.employee, changes={"capture_apps": False})

    as_member(world.owner).post(f"/members/{world.employee.pk}/remove/")

    assert PolicyOverride.objects.count() == 0
    assert PolicyChange.objects.count() == 0
    assert PolicyAcknowledgement.objects.count() == 0
