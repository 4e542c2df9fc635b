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
  (default: the owner of company A; "manager_2_a" is the manager of the target's team,
  "employee_2_a" the target member, for actions only they may take on their own time). A
  data value "a:team_1" or "b:employee_2" is replaced by the id of that object of company A or
  B, to try other teams' and companies' ids in the form's body too. ``stores`` names a counter
  of ROWS: every refused request must leave it as it was, the allowed one must change it.
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

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from access_rules import (
    DeviceToken,
    Obj,
    Public,
    Rule,
    SignedIn,
    as_member,
    build_url,
    check_device_rule,
    check_object_rule,
    check_signed_in_rule,
    request,
)
from access_world import POLICY_FORM, Side, make_side, target_ids
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from server_testkit import device_info
from tracked_day import START

from worklens_server.devices.services import enroll_device, issue_enrollment_code, revoke_device
from worklens_server.policies.services import update_policy

pytestmark = pytest.mark.django_db

OWNER, OWNER_MANAGER = frozenset({"owner"}), frozenset({"owner", "manager"})
#: A trim of company A's employee_2's own tracked entry (tracked_day's, on 15 June 2026 from
#: 10:00 UTC): only they may ask for it; anyone else's post is a 404 and stores nothing.
OWN_TRIM = Obj(
    {},
    method="post",
    data={"started_at": "2026-06-15T10:05", "ended_at": "2026-06-15T10:10", "reason": "call"},
    ids={"time_entry": "entry"},
    allowed=("employee_2_a",),
    stores="timesheets",
)

#: A label of an app, set by the owner for the company or, with a team, as its override.
APP_LABEL = {"kind": "app", "name": "Zoom", "productivity": "productive"}

EXCLUDED_PREFIXES = (
    # allauth's own account pages (login, logout, password reset, e-mail management): they act on
    # the signed-in user only and are covered by allauth's own tests.
    "accounts/",
    # static files (whitenoise serves them from middleware; listed in case DEBUG adds routes).
    "static/",
)


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
    # A day's timeline and screenshots of everyone the viewer sees, or of one team they may see.
    "team/timeline/": (
        SignedIn(),
        Obj({}, query={"team": "team"}, allowed=("owner_a", "manager_2_a")),
    ),
    "team/gallery/": (
        SignedIn(),
        Obj({}, query={"team": "team"}, allowed=("owner_a", "manager_2_a")),
    ),
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
    # The company's alert settings (working hours, which alerts), for its owners.
    "company/alerts/": SignedIn(allowed=frozenset({"owner"})),
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
    # What one slot of that day's timeline held (its screenshots, apps and titles).
    "members/<uuid:member_id>/timeline/slot/": Obj(
        {"member_id": "member"},
        fixed_query={"start": START.isoformat(), "seconds": "600"},
        allowed=("owner_a", "manager_2_a", "employee_2_a"),
    ),
    # One member's screenshots of a day, by hour (images through the audited views below).
    "members/<uuid:member_id>/gallery/": Obj(
        {"member_id": "member"}, allowed=("owner_a", "manager_2_a", "employee_2_a")
    ),
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
    # Apps and sites: everyone starts at the report their role sees (own, or their people's).
    "apps/": SignedIn(),
    "apps/everyone/": SignedIn(OWNER_MANAGER),
    "apps/teams/<uuid:team_id>/": Obj({"team_id": "team"}),
    "apps/members/<uuid:member_id>/": Obj({"member_id": "member"}),
    # Labels: the company's (owner), a team's overrides (the owner and the team's manager).
    "apps/labels/": (
        SignedIn(OWNER_MANAGER),
        Obj({}, query={"team": "team"}, allowed=("owner_a", "manager_2_a")),
    ),
    "apps/labels/set/": (
        SignedIn(OWNER, method="post", data=APP_LABEL),
        Obj(
            {},
            method="post",
            data=APP_LABEL,
            ids={"team": "team"},
            allowed=("owner_a", "manager_2_a"),
            stores="labels",
        ),
    ),
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
    # A member's own time (add, trim an entry, withdraw, submit a week): another's is a 404.
    "timesheets/changes/add/": SignedIn(method="post"),
    "timesheets/changes/trim/": (SignedIn(method="post"), OWN_TRIM),
    "timesheets/changes/withdraw/": replace(OWN_TRIM, data={}, ids={"change": "change"}),
    "timesheets/weeks/submit/": SignedIn(method="post", data={"week": "2026-06-15"}),
    # An approver's decisions on a change or a week named in the form, and what waits for them.
    "timesheets/changes/decide/": Obj(
        {}, "post", {"decision": "approve"}, ids={"change": "change"}, stores="timesheets"
    ),
    "timesheets/weeks/decide/": Obj(
        {}, "post", {"action": "reject", "comment": "no"}, ids={"week": "week"}, stores="timesheets"
    ),
    "timesheets/approvals/": (SignedIn(OWNER_MANAGER), Obj({}, query={"team": "team"})),
    # Whether changes need approval: the owners' setting.
    "timesheets/settings/": (SignedIn(OWNER), SignedIn(OWNER, method="post")),
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


def test_every_route_has_an_access_rule() -> None:
    missing = [route for route in checked_routes() if route not in RULES]
    assert not missing, (
        "these routes have no access rule in tests/server/test_access.py RULES; add one "
        "(the module docstring says how): " + ", ".join(repr(route) for route in missing)
    )
    stale = sorted(set(RULES) - set(checked_routes()))
    assert not stale, f"RULES names routes that no longer exist: {stale}"


def test_every_route_obeys_its_access_rule(sides: tuple[Side, Side]) -> None:
    a, b = sides
    ids = target_ids(a)
    checked = []
    for route in checked_routes():
        for rule in _rules(route):
            if isinstance(rule, Obj):
                check_object_rule(route, rule, a, b, ids)
            elif isinstance(rule, SignedIn):
                check_signed_in_rule(route, rule, a, b)
            elif isinstance(rule, DeviceToken):
                check_device_rule(route, rule, a, b)
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
