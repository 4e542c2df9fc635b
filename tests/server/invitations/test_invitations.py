"""Inviting people by e-mail and accepting: the link is signed, single-use, expiring and stored
hashed; the person sets a password, reads the policy, acknowledges it, and only then gets a code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from server_testkit import World, device_info, post_json

from tests.smtp_sink import SmtpSink, html_body, text_body
from worklens_server.companies.models import Member, TeamMembership
from worklens_server.companies.selectors import get_visible_members
from worklens_server.devices.models import Device, EnrollmentCode
from worklens_server.invitations.models import Invitation
from worklens_server.policies.models import PolicyAcknowledgement
from worklens_server.policies.services import set_policy_override, update_policy

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _invite(world: World, by: Member, email: str, role: str = "employee", team: object = None):
    data = {"email": email, "role": role, "team": "" if team is None else str(team)}
    return _client(by).post("/invitations/", data)


def _link(smtp: SmtpSink, address: str) -> str:
    message = smtp.wait_for(address)[-1]
    found = re.search(r"http://testserver(/invitations/accept/\S+/)", text_body(message))
    assert found, text_body(message)
    assert found.group(1) in html_body(message)
    return found.group(1)


def test_owner_invites_and_the_person_joins_acknowledges_and_enrolls(
    world: World, smtp: SmtpSink
) -> None:
    response = _invite(world, world.owner, "New.Person@Acme.example", team=world.team.pk)
    assert response.status_code == 302
    message = smtp.wait_for("new.person@acme.example")[0]
    assert str(message["Subject"]) == "Olga Owner invited you to Acme on WorkLens"
    path = _link(smtp, "new.person@acme.example")
    invitation = Invitation.objects.get(email="new.person@acme.example")
    secret = path.split("/")[3].split(":")[0]
    assert secret not in invitation.token_hash
    assert len(invitation.token_hash) == 64

    person = Client()
    page = person.get(path)
    assert page.status_code == 200
    assert "new.person@acme.example" in page.content.decode()
    bad = person.post(path, {"password1": "short", "password2": "short"})
    assert bad.status_code == 400
    assert "too short" in bad.content.decode()
    password = "a long and fine passphrase"
    joined = person.post(
        path, {"full_name": "Nia New", "password1": password, "password2": password}
    )
    assert joined.status_code == 302
    assert joined["Location"] == "/collection-policy/"

    member = Member.objects.get(user__email="new.person@acme.example")
    assert (member.company_id, member.role) == (world.company.pk, Member.Role.EMPLOYEE)
    assert TeamMembership.objects.filter(member=member, team=world.team, is_manager=False).exists()
    assert EmailAddress.objects.get(email="new.person@acme.example").verified
    assert member.user.check_password(password)
    assert not EnrollmentCode.objects.filter(member=member).exists()

    policy_page = person.get("/collection-policy/").content.decode()
    assert "Screenshots: 1 screenshot of your screen at random moments in every 10 minutes" in (
        policy_page
    )
    assert "Keystrokes, which keys you press, or anything you type." in policy_page
    refused = person.post("/collection-policy/", {"version": "1"})
    assert refused.status_code == 400
    assert not PolicyAcknowledgement.objects.filter(member=member).exists()

    done = person.post("/collection-policy/", {"version": "1", "confirm": "on"})
    assert done.status_code == 200
    ack = PolicyAcknowledgement.objects.get(member=member)
    assert ack.policy_version == 1
    assert abs(ack.acknowledged_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert "Keystrokes, which keys you press, or anything you type." in ack.shown["never_collected"]
    body = done.content.decode()
    code = re.search(r'id="enrollment-code">([A-Z0-9-]+)<', body)
    assert code, body
    assert f"worklens-agent enroll http://testserver {code.group(1)}" in body

    enrolled = post_json(
        Client(),
        "/api/v1/enroll",
        f'{{"code": "{code.group(1)}", "device": {device_info().model_dump_json()}}}',
    )
    assert enrolled.status_code == 201, enrolled.content
    assert Device.objects.get(member=member).hostname == "test-host"

    # The link is single-use.
    again = Client().get(path)
    assert again.status_code == 404
    assert "already used" in again.content.decode()


def test_a_forged_or_expired_link_is_refused(world: World, smtp: SmtpSink) -> None:
    _invite(world, world.owner, "late@acme.example")
    path = _link(smtp, "late@acme.example")
    forged = path.replace(path.split(":")[-1].rstrip("/"), "AAAA")
    assert Client().get(forged).status_code == 404
    Invitation.objects.update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    expired = Client().get(path)
    assert expired.status_code == 404
    assert "expired" in expired.content.decode()


def test_inviting_again_withdraws_the_earlier_link(world: World, smtp: SmtpSink) -> None:
    _invite(world, world.owner, "twice@acme.example")
    first = _link(smtp, "twice@acme.example")
    _invite(world, world.owner, "twice@acme.example")
    smtp.wait_for("twice@acme.example", count=2)
    assert "withdrawn" in Client().get(first).content.decode()


def test_a_manager_invites_employees_into_their_teams_only(world: World, smtp: SmtpSink) -> None:
    assert _invite(world, world.manager, "a@acme.example", team=world.team.pk).status_code == 302
    no_team = _invite(world, world.manager, "b@acme.example")
    assert no_team.status_code == 400
    assert "a manager can invite only into a team they manage" in no_team.content.decode()
    as_owner = _invite(world, world.manager, "c@acme.example", role="owner", team=world.team.pk)
    assert as_owner.status_code == 400
    assert not Invitation.objects.filter(email__in=["b@acme.example", "c@acme.example"]).exists()
    assert _invite(world, world.employee, "d@acme.example").status_code == 403


def test_an_existing_account_cannot_be_invited(world: World, smtp: SmtpSink) -> None:
    response = _invite(world, world.owner, "loner@acme.example")
    assert response.status_code == 400
    assert "loner@acme.example already has a WorkLens account" in response.content.decode()


def test_a_policy_change_asks_for_a_new_acknowledgement(world: World) -> None:
    client = _client(world.employee)
    assert client.post("/devices/codes/")["Location"] == "/collection-policy/"
    client.post("/collection-policy/", {"version": "1", "confirm": "on"})
    assert client.post("/devices/codes/").status_code == 200
    update_policy(company=world.company, capture_titles=False, screenshot_blur=True)
    assert client.post("/devices/codes/")["Location"] == "/collection-policy/"
    stale = client.post("/collection-policy/", {"version": "1", "confirm": "on"})
    assert stale.status_code == 409
    page = client.get("/collection-policy/").content.decode()
    assert "Window titles." in page  # now in the switched-off list
    assert "blurred on your computer before they are uploaded" in page
    assert client.post("/collection-policy/", {"version": "2", "confirm": "on"}).status_code == 200
    versions = PolicyAcknowledgement.objects.filter(member=world.employee)
    assert sorted(versions.values_list("policy_version", flat=True)) == [1, 2]


def test_someone_invited_as_a_teams_manager_manages_it(world: World, smtp: SmtpSink) -> None:
    _invite(world, world.owner, "lead@acme.example", role="manager", team=world.team.pk)
    path = _link(smtp, "lead@acme.example")
    password = "another long passphrase"
    Client().post(path, {"password1": password, "password2": password})
    lead = Member.objects.get(user__email="lead@acme.example")
    assert lead.role == Member.Role.MANAGER
    assert TeamMembership.objects.get(member=lead, team=world.team).is_manager
    visible = set(get_visible_members(viewer=lead).values_list("user__email", flat=True))
    assert visible == {"lead@acme.example", "manager@acme.example", "employee@acme.example"}


def test_a_manager_withdraws_employee_invitations_into_their_team_only(
    world: World, smtp: SmtpSink
) -> None:
    _invite(world, world.owner, "emp@acme.example", team=world.team.pk)
    _invite(world, world.owner, "mgr@acme.example", role="manager", team=world.team.pk)
    _invite(world, world.owner, "free@acme.example")
    employee_invite, manager_invite, teamless = (
        Invitation.objects.get(email=address)
        for address in ("emp@acme.example", "mgr@acme.example", "free@acme.example")
    )
    manager = _client(world.manager)
    page = manager.get("/members/").content.decode()
    assert "emp@acme.example" in page
    assert "mgr@acme.example" not in page
    assert "free@acme.example" not in page
    assert manager.post(f"/invitations/{manager_invite.pk}/cancel/").status_code == 404
    assert manager.post(f"/invitations/{teamless.pk}/cancel/").status_code == 404
    assert manager.post(f"/invitations/{employee_invite.pk}/cancel/").status_code == 302
    employee_invite.refresh_from_db()
    manager_invite.refresh_from_db()
    assert employee_invite.cancelled_at is not None
    assert manager_invite.cancelled_at is None


def test_the_invitation_page_shows_the_policy_of_the_team_joined(
    world: World, smtp: SmtpSink
) -> None:
    """Someone invited into a team reads what will apply to them, the team's settings
    included, before they set a password; someone joining without a team reads the company's."""
    set_policy_override(actor=None, team=world.team, changes={"screenshots_per_interval": 0})
    _invite(world, world.owner, "teamed@acme.example", team=world.team.pk)
    _invite(world, world.owner, "teamless@acme.example")

    teamed = Client().get(_link(smtp, "teamed@acme.example")).content.decode()
    assert "Screenshots: none are taken." in teamed
    assert "Screenshots: 1 screenshot" not in teamed
    teamless = Client().get(_link(smtp, "teamless@acme.example")).content.decode()
    assert "Screenshots: 1 screenshot of your screen" in teamless
    assert "Screenshots: none are taken." not in teamless
