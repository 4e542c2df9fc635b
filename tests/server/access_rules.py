"""How test_access.py checks its rules: the kinds of rule, and one request per person and object,
rolled back afterwards, with what it may store counted (ROWS of access_world.py)."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from access_world import ROWS, Side
from django.db import transaction
from django.test import Client
from server_testkit import device_info

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code

ALL = frozenset({"owner", "manager", "employee"})
#: Statuses that mean a request was let in: done, redirected after the action, or refused only
#: for its (deliberately empty) form data.
GOT_THROUGH = frozenset({200, 204, 302, 400, 405, 409})

# Routes this test does not check, and why. Keep it short: everything else needs a rule.


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
    allowed: tuple[str, ...] = ("owner_a",)
    stores: str = ""
    #: A page that shows on GET what its POST changes: refused on GET too.
    also_get: bool = False
    #: Query string parameter -> object kind.
    query: dict[str, str] = field(default_factory=dict)
    #: Form field -> object kind (added to `data`).
    ids: dict[str, str] = field(default_factory=dict)
    #: URL parameters that are not objects (a file format), with the value to use.
    fixed: dict[str, str] = field(default_factory=dict)
    #: Query string parameters that are not objects (a time), with the value to use.
    fixed_query: dict[str, str] = field(default_factory=dict)


Rule = Public | DeviceToken | SignedIn | Obj


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


def check_object_rule(route: str, rule: Obj, a: Side, b: Side, ids: dict[str, str]) -> None:
    url = build_url(route, {param: ids[kind] for param, kind in rule.params.items()} | rule.fixed)
    if rule.query or rule.fixed_query:
        query = {name: ids[kind] for name, kind in rule.query.items()} | rule.fixed_query
        url += "?" + urlencode(query)
    data = _fill(rule.data, a, b) | {name: ids[kind] for name, kind in rule.ids.items()}
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
        allowed = {"owner_a": a.owner, "manager_2_a": a.manager_2, "employee_2_a": a.employee_2}[
            name
        ]
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


def check_signed_in_rule(route: str, rule: SignedIn, a: Side, b: Side) -> None:
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


def check_device_rule(route: str, rule: DeviceToken, a: Side, b: Side) -> None:
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
