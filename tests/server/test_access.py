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
  device, invitation, screenshot, project, task); add a kind there when your object is new. Use
  ``method="post"`` and ``data={...}`` for actions. ``allowed`` names who must get through
  (default: the owner of company A).
- a page without an object: ``SignedIn(allowed=ALL | {"owner"} ...)``: roles that get the page;
  the others must get 403. Anonymous users are sent to the login page.
- objects named in the query string or in a form's body are checked like those in the path:
  ``Obj({}, query={"team": "team"})`` or ``Obj({...}, method="post", ids={"member": "member"})``
  fill those fields with the target's ids (company B's members must get 404, A's employee and
  manager of team 1 403 or 404). A route may have several rules: give a tuple.
- an agent API route: ``DeviceToken(method=...)``: refused without a token and with a revoked one.
- a page anyone may open: ``Public(...)``, with a comment saying why it holds no one's data.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import pytest
from access_world import Side, make_side, target_ids
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from server_testkit import device_info

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code, revoke_device

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
    #: URL parameters that are not objects (a file format), with the value to use.
    fixed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Obj:
    """A dashboard URL naming objects: URL parameter -> object kind (see target_ids)."""

    params: dict[str, str]
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    allowed: str = "owner_a"
    #: Query string parameter -> object kind.
    query: dict[str, str] = field(default_factory=dict)
    #: Form field -> object kind (added to `data`).
    ids: dict[str, str] = field(default_factory=dict)
    #: URL parameters that are not objects (a file format), with the value to use.
    fixed: dict[str, str] = field(default_factory=dict)


Rule = Public | DeviceToken | SignedIn | Obj

RULES: dict[str, Rule | tuple[Rule, ...]] = {
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
    # Timesheets: everyone starts at the page their role sees (own week, or their people's).
    "timesheets/": SignedIn(),
    # The viewer's people by member and day, all of them or one team they may see.
    "timesheets/team/": SignedIn(allowed=frozenset({"owner", "manager"})),
    "timesheets/teams/<uuid:team_id>/": Obj({"team_id": "team"}),
    # One member's time by project and task.
    "timesheets/members/<uuid:member_id>/": Obj({"member_id": "member"}),
    # The same three pages as CSV, XLSX or PDF files.
    "timesheets/team/export.<str:fmt>": SignedIn(
        allowed=frozenset({"owner", "manager"}), fixed={"fmt": "csv"}
    ),
    "timesheets/teams/<uuid:team_id>/export.<str:fmt>": Obj(
        {"team_id": "team"}, fixed={"fmt": "xlsx"}
    ),
    "timesheets/members/<uuid:member_id>/export.<str:fmt>": Obj(
        {"member_id": "member"}, fixed={"fmt": "pdf"}
    ),
    # Projects: owners and managers; a project a manager does not manage is a 404 for them.
    # More IDs of others in form bodies: tests/server/projects/test_project_access.py.
    "projects/": SignedIn(allowed=frozenset({"owner", "manager"})),
    "projects/<uuid:project_id>/": Obj({"project_id": "project"}),
    **{
        f"projects/<uuid:project_id>/{action}/": Obj(
            {"project_id": "project"}, method="post", data={"name": "X"}
        )
        for action in ("edit", "archive", "unarchive", "tasks")
    },
    **{
        f"projects/<uuid:project_id>/tasks/<uuid:task_id>/{action}/": Obj(
            {"project_id": "project", "task_id": "task"}, method="post", data={"name": "X"}
        )
        for action in ("rename", "archive", "unarchive")
    },
    "projects/<uuid:project_id>/members/": Obj(
        {"project_id": "project"}, method="post", ids={"member": "member"}
    ),
    **{
        f"projects/<uuid:project_id>/members/<uuid:member_id>/{action}/": Obj(
            {"project_id": "project", "member_id": "member"}, method="post"
        )
        for action in ("rate", "remove")
    },
}


@pytest.fixture
def sides() -> tuple[Side, Side]:
    # Logins go through force_login; the twelve users are cheap to create with the server tests'
    # quick Argon2 (conftest.py).
    return make_side("a"), make_side("b")


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


def request(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> Any:
    """One request whose writes are rolled back afterwards."""
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        elif method == "put":
            response = client.put(url, data="{}", content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    return response


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
    url = build_url(route, {param: ids[kind] for param, kind in rule.params.items()} | rule.fixed)
    if rule.query:
        url += "?" + urlencode({name: ids[kind] for name, kind in rule.query.items()})
    data = {**rule.data, **{name: ids[kind] for name, kind in rule.ids.items()}}
    rule = replace(rule, data=data)
    for name, outsider in b.everyone.items():
        status = request(as_member(outsider), rule.method, url, rule.data).status_code
        assert status == 404, f"{rule.method.upper()} {route} by company B's {name}: {status}"
    for name, member in (("employee_1", a.employee_1), ("manager_1", a.manager_1)):
        status = request(as_member(member), rule.method, url, rule.data).status_code
        assert status in (403, 404), f"{rule.method.upper()} {route} by A's {name}: {status}"
    status = request(as_member(None), rule.method, url, rule.data).status_code
    assert status in (302, 401, 403, 404), f"{route} anonymously: {status}"
    allowed = {"owner_a": a.owner}[rule.allowed]
    status = request(as_member(allowed), rule.method, url, rule.data).status_code
    assert status in GOT_THROUGH, f"{route} by A's owner: {status}"


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
    url = build_url(route, rule.fixed)
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
        for rule in _rules(route):
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
        if route in RULES:  # a route without one is reported by the test above
            checked.append(route)
    assert len(checked) == len(RULES)


def _rules(route: str) -> tuple[Rule, ...]:
    rules = RULES.get(route, ())
    return rules if isinstance(rules, tuple) else (rules,)


def test_a_revoked_device_token_is_refused_by_every_agent_route(sides: tuple[Side, Side]) -> None:
    a, _ = sides
    enrollment = enroll_device(code=issue_enrollment_code(member=a.employee_1), info=device_info())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {enrollment.token}")
    assert request(client, "get", "/api/v1/policy").status_code == 200
    revoke_device(device=enrollment.device)
    for route in RULES:
        for rule in _rules(route):
            if not isinstance(rule, DeviceToken):
                continue
            response = request(client, rule.method, build_url(route, {}))
            assert response.status_code == 401, route
            assert response.json() == {"detail": "device token was revoked"}
