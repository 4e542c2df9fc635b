"""Who may reach whose data, for EVERY URL the server answers.

The test walks Django's URL resolver (all pages, and every route of the Ninja API, which Ninja
registers as ordinary URL patterns) and looks each route up in RULES below. A route without a
rule fails the test: a new page or endpoint cannot ship without someone deciding who may see it.

Two companies take part, each with an owner, two managers (of teams 1 and 2) and one employee in
each team. The target of every object URL is company A's team 2: its employee, the team itself,
that employee's device, a pending invitation into the team. For each object URL:

- every member of company B gets 404 (another company's objects do not exist for them);
- company A's employee of team 1 gets 403 or 404 (another employee's data);
- company A's manager of team 1 gets 403 or 404 (a team they do not manage);
- company A's owner gets neither (the positive control: the URL really works, so the 404s
  above are not an accident of a broken URL).

Pages without an object in the URL are checked per role, and for leaks: no page may name a member
the viewer may not see (checked by e-mail address in the page).

Every request runs in a transaction that is rolled back, so a request that should have been
refused but was not cannot change what later checks see.

HOW TO ADD A RULE for a new route (the failure message names the route):
- a page about one object: ``"things/<uuid:thing_id>/": Obj(thing_id="device")`` -- map each
  URL parameter to one of the object kinds in ``target_ids`` of access_world.py (member, team,
  device, invitation, screenshot); add a kind there when your object is new. Use
  ``method="post"`` and ``data={...}`` for actions. ``allowed`` names who must get through
  (default: the owner of company A; "manager_2_a" is the manager of the target's team). A
  data value "a:team_1" or "b:employee_2" is replaced by the id of that object of company A or
  B, to try other teams' and companies' ids in the form's body too. ``stores`` names a counter
  of ROWS: every refused request must leave it as it was, the allowed one must change it.
- a page without an object: ``SignedIn(allowed=ALL | {"owner"} ...)``: roles that get the page;
  the others must get 403. Anonymous users are sent to the login page.
- an agent API route: ``DeviceToken(method=...)``: refused without a token and with a revoked one.
- a page anyone may open: ``Public(...)``, with a comment saying why it holds no one's data.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from access_world import POLICY_FORM, ROWS, Side, make_side, target_ids
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from server_testkit import device_info

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code, revoke_device
from worklens_server.policies.services import update_policy

pytestmark = pytest.mark.django_db

ALL = frozenset({"owner", "manager", "employee"})
#: Statuses that mean a request was let in: done, redirected after the action, or refused only
#: for its (deliberately empty) form data.
GOT_THROUGH = frozenset({200, 204, 302, 400, 405, 409})

# Routes this test does not check, and why. Keep it short: everything else needs a rule.
EXCLUDED_PREFIXES = (
    # allauth's own account pages (login, logout, password reset, e-mail management): they act on
    # the signed-in user only and are covered by allauth's own tests.
    "accounts/",
    # static files (whitenoise serves them from middleware; listed in case DEBUG adds routes).
    "static/",
)


@dataclass(frozen=True)
class Public:
    """Anyone may open it; it shows nobody's data without a credential in the request."""

    method: str = "get"
    anonymous_status: int = 200


@dataclass(frozen=True)
class DeviceToken:
    """Agent API: the device token is the credential, and it alone decides the company."""

    method: str = "get"


@dataclass(frozen=True)
class SignedIn:
    """A dashboard page without an object in its URL, for these roles (others get 403)."""

    allowed: frozenset[str] = ALL
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Obj:
    """A dashboard URL naming objects: URL parameter -> object kind (see target_ids)."""

    params: dict[str, str]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    allowed: tuple[str, ...] = ("owner_a",)
    stores: str = ""
    #: A page that shows on GET what its POST changes: refused on GET too.
    also_get: bool = False


RULES: dict[str, Public | DeviceToken | SignedIn | Obj] = {
    # The API's published schema and docs describe endpoints, not anybody's data.
    "api/v1/openapi.json": Public(),
    "api/v1/docs": Public(),
    "api/v1/": Public(anonymous_status=404),
    # Enrollment: the one-time code in the body is the credential; a wrong one is refused.
    "api/v1/enroll": Public(method="post", anonymous_status=400),
    "api/v1/policy": DeviceToken(),
    "api/v1/projects": DeviceToken(),
    "api/v1/device": DeviceToken(method="put"),
    "api/v1/batches": DeviceToken(method="post"),
    "api/v1/screenshots": DeviceToken(method="post"),
    "api/v1/device/events": DeviceToken(method="post"),
    # Which server and agent versions exist: the same answer for everyone.
    "api/v1/version": Public(),
    "": SignedIn(),
    "team/today/": SignedIn(),
    "members/": SignedIn(allowed=frozenset({"owner", "manager"})),
    "members/<uuid:member_id>/role/": Obj(
        {"member_id": "member"}, method="post", data={"role": "employee"}
    ),
    "members/<uuid:member_id>/remove/": Obj({"member_id": "member"}, method="post"),
    "teams/": SignedIn(allowed=frozenset({"owner"})),
    "teams/<uuid:team_id>/": Obj({"team_id": "team"}),
    "teams/<uuid:team_id>/rename/": Obj({"team_id": "team"}, method="post", data={"name": "X"}),
    "teams/<uuid:team_id>/delete/": Obj({"team_id": "team"}, method="post"),
    "teams/<uuid:team_id>/members/": Obj({"team_id": "team"}, method="post", data={}),
    "teams/<uuid:team_id>/members/<uuid:member_id>/remove/": Obj(
        {"team_id": "team", "member_id": "member"}, method="post"
    ),
    "teams/<uuid:team_id>/members/<uuid:member_id>/manager/": Obj(
        {"team_id": "team", "member_id": "member"}, method="post"
    ),
    "invitations/": SignedIn(allowed=frozenset({"owner", "manager"}), method="post"),
    "invitations/<uuid:invitation_id>/cancel/": Obj({"invitation_id": "invitation"}, method="post"),
    # The signed token in the URL is the credential; a forged one shows only a refusal.
    "invitations/accept/<str:token>/": Public(anonymous_status=404),
    "devices/": SignedIn(),
    "devices/codes/": SignedIn(method="post"),
    "devices/<uuid:device_id>/revoke/": Obj({"device_id": "device"}, method="post"),
    "collection-policy/": SignedIn(),
    # The signed-in person's own e-mail preferences (notifications app).
    "account/email/": SignedIn(),
    # The signed token in the URL says whose preference it changes; a forged one is refused.
    "unsubscribe/<str:token>/": Public(anonymous_status=400),
    # Founding a company (accounts' sign-up): a member of one is sent on to their dashboard.
    "company/new/": SignedIn(),
    # The company's own settings, for its owners.
    "company/settings/": SignedIn(allowed=frozenset({"owner"})),
    # The company's collection policy, changed by its owners only (no object id: their company).
    "company/policy/": SignedIn(allowed=frozenset({"owner"})),
    "company/policy/history/": SignedIn(allowed=frozenset({"owner"})),
    # A team's and a member's collection settings: owners, and the managers of the team.
    "teams/<uuid:team_id>/policy/": Obj(
        {"team_id": "team"},
        method="post",
        data=POLICY_FORM,
        allowed=("owner_a", "manager_2_a"),
        stores="policy",
        also_get=True,
    ),
    "members/<uuid:member_id>/policy/": Obj(
        {"member_id": "member"},
        method="post",
        data=POLICY_FORM,
        allowed=("owner_a", "manager_2_a"),
        stores="policy",
        also_get=True,
    ),
    # What cookies the site sets: the same text for everyone.
    "cookies/": Public(),
    # One member's day (timesheet, screenshots, apps and URLs); ?day= picks the day.
    "members/<uuid:member_id>/activity/": Obj({"member_id": "member"}),
    # A screenshot, decrypted; every look by someone else than its owner is audited.
    "screenshots/<uuid:screenshot_id>/": Obj({"screenshot_id": "screenshot"}),
    "screenshots/<uuid:screenshot_id>/thumbnail/": Obj({"screenshot_id": "screenshot"}),
    # My Account and what is collected about me: always the signed-in person's own data.
    "account/": SignedIn(),
    "account/collected/": SignedIn(),
    "account/collected/export/": SignedIn(),
    "account/delete/": SignedIn(),
    # Cancelling the company: its owners only.
    "company/cancel/": SignedIn(allowed=frozenset({"owner"})),
}


@pytest.fixture
def sides() -> tuple[Side, Side]:
    # Logins go through force_login; the twelve users are cheap to create with the server tests'
    # quick Argon2 (conftest.py).
    a, b = make_side("a"), make_side("b")
    for side in (a, b):  # so that a manager's policy form has something to change
        update_policy(company=side.company, managers_may_change=["capture_titles"])
    return a, b


def walk_routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from walk_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def checked_routes() -> list[str]:
    routes = sorted(set(walk_routes()))
    return [route for route in routes if not route.startswith(EXCLUDED_PREFIXES)]


def build_url(route: str, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        return values[match.group(1)]

    assert not route.startswith("^"), f"{route}: regex routes need a rule written by hand"
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def request(
    client: Client, method: str, url: str, data: dict[str, str] | None = None, stores: str = ""
) -> Any:
    """One request whose writes are rolled back afterwards. With `stores`, the response's
    `stored` says whether that counter of rows changed."""
    with transaction.atomic():
        before = ROWS[stores]() if stores else None
        if method == "get":
            response = client.get(url)
        elif method == "put":
            response = client.put(url, data="{}", content_type="application/json")
        else:
            response = client.post(url, data or {})
        response.stored = stores and ROWS[stores]() != before
        transaction.set_rollback(True)
    return response


def _fill(data: dict[str, str], a: Side, b: Side) -> dict[str, str]:
    """The form's data with "a:team_1"-like values replaced by those objects' ids."""
    sides = {"a": a, "b": b}
    filled = {}
    for name, value in data.items():
        side, _, attribute = value.partition(":")
        obj = getattr(sides[side], attribute, None) if side in sides else None
        filled[name] = str(obj.pk) if obj is not None else value
    return filled


def as_member(member: Member | None) -> Client:
    client = Client(raise_request_exception=False)
    if member is not None:
        client.force_login(member.user)
    return client


def role_of(member: Member) -> str:
    return str(member.role)


def test_every_route_has_an_access_rule() -> None:
    missing = [route for route in checked_routes() if route not in RULES]
    assert not missing, (
        "these routes have no access rule in tests/server/test_access.py RULES; add one "
        "(the module docstring says how): " + ", ".join(repr(route) for route in missing)
    )
    stale = sorted(set(RULES) - set(checked_routes()))
    assert not stale, f"RULES names routes that no longer exist: {stale}"


def _check_object_rule(route: str, rule: Obj, a: Side, b: Side, ids: dict[str, str]) -> None:
    url = build_url(route, {param: ids[kind] for param, kind in rule.params.items()})
    data = _fill(rule.data, a, b)
    methods = (rule.method, "get") if rule.also_get else (rule.method,)
    for (name, outsider), method in itertools.product(b.everyone.items(), methods):
        response = request(as_member(outsider), method, url, data, rule.stores)
        assert response.status_code == 404, f"{route} by company B's {name}: {response.status_code}"
        assert not response.stored, f"{route} by company B's {name} stored rows"
    for name, method in itertools.product(("employee_1", "manager_1"), methods):
        response = request(as_member(getattr(a, name)), method, url, data, rule.stores)
        assert response.status_code in (403, 404), f"{route} by A's {name}: {response.status_code}"
        assert not response.stored, f"{route} by A's {name} stored rows"
    status = request(as_member(None), rule.method, url, data).status_code
    assert status in (302, 401, 403, 404), f"{route} anonymously: {status}"
    for name in rule.allowed:
        allowed = {"owner_a": a.owner, "manager_2_a": a.manager_2}[name]
        response = request(as_member(allowed), rule.method, url, data, rule.stores)
        assert response.status_code in GOT_THROUGH, f"{route} by {name}: {response.status_code}"
        assert response.stored or not rule.stores, f"{route} by {name} stored nothing"


def _visible_emails(viewer_name: str, side: Side) -> set[str]:
    """Who each persona may see, written out (not computed by the code under test)."""
    people = side.everyone
    visible = {
        "owner": set(people),
        "manager_1": {"manager_1", "employee_1"},
        "manager_2": {"manager_2", "employee_2"},
        "employee_1": {"employee_1"},
        "employee_2": {"employee_2"},
    }[viewer_name]
    return {people[name].user.email for name in visible}


def _body_text(response: Any) -> str:
    """What a response shows, for the leak check: a zip download (the personal export) is
    unpacked, so a name inside one of its files counts too."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == "application/zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(name) for name in archive.namelist())
    return raw.decode(errors="replace")


def _check_signed_in_rule(route: str, rule: SignedIn, a: Side, b: Side) -> None:
    url = build_url(route, {})
    anonymous = request(as_member(None), rule.method, url, rule.data)
    assert anonymous.status_code == 302, f"{route} anonymously: {anonymous.status_code}"
    assert "/accounts/login/" in anonymous["Location"]
    all_emails = {m.user.email for side in (a, b) for m in side.everyone.values()}
    for side in (a, b):
        for name, member in side.everyone.items():
            response = request(as_member(member), rule.method, url, rule.data)
            status = response.status_code
            if role_of(member) in rule.allowed:
                assert status in GOT_THROUGH, f"{route} by {name}: {status}"
            else:
                assert status == 403, f"{route} by {name} ({member.role}): {status}"
            body = _body_text(response)
            leaked = {e for e in all_emails - _visible_emails(name, side) if e in body}
            assert not leaked, f"{route} shows {name} of {side.company.name} {sorted(leaked)}"


def _check_device_rule(route: str, rule: DeviceToken, a: Side, b: Side) -> None:
    url = build_url(route, {})
    assert request(as_member(None), rule.method, url).status_code == 401, route
    response = request(Client(HTTP_AUTHORIZATION="Bearer not-a-real-token"), rule.method, url)
    assert response.status_code == 401, f"{route} with a made-up token: {response.status_code}"
    a_emails = {m.user.email for m in a.everyone.values()}
    # A token of company B never yields company A's data.
    enrollment = enroll_device(code=issue_enrollment_code(member=b.employee_1), info=device_info())
    response = request(Client(HTTP_AUTHORIZATION=f"Bearer {enrollment.token}"), rule.method, url)
    body = response.content.decode(errors="replace")
    assert response.status_code < 500, f"{route} with a valid token: {response.status_code}"
    assert "Project of a" not in body, route
    assert not any(email in body for email in a_emails), route


def test_every_route_obeys_its_access_rule(sides: tuple[Side, Side]) -> None:
    a, b = sides
    ids = target_ids(a)
    checked = []
    for route in checked_routes():
        rule = RULES.get(route)
        if rule is None:
            continue  # reported by test_every_route_has_an_access_rule
        if isinstance(rule, Obj):
            _check_object_rule(route, rule, a, b, ids)
        elif isinstance(rule, SignedIn):
            _check_signed_in_rule(route, rule, a, b)
        elif isinstance(rule, DeviceToken):
            _check_device_rule(route, rule, a, b)
        else:
            url = build_url(route, {"token": "forged-token"})
            status = request(as_member(None), rule.method, url).status_code
            assert status == rule.anonymous_status, f"{route} anonymously: {status}"
        checked.append(route)
    assert len(checked) == len(RULES)


def test_a_revoked_device_token_is_refused_by_every_agent_route(sides: tuple[Side, Side]) -> None:
    a, _ = sides
    enrollment = enroll_device(code=issue_enrollment_code(member=a.employee_1), info=device_info())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {enrollment.token}")
    assert request(client, "get", "/api/v1/policy").status_code == 200
    revoke_device(device=enrollment.device)
    for route, rule in RULES.items():
        if isinstance(rule, DeviceToken):
            response = request(client, rule.method, build_url(route, {}))
            assert response.status_code == 401, route
            assert response.json() == {"detail": "device token was revoked"}
