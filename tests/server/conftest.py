"""Fixtures for the server tests: a pinned clock, a company with an owner, a manager, employees
and a team, an outsider company, and enrolled devices with their tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from server_testkit import COMPANY_ZONE, PINNED_NOW, EnrolledDevice, World, device_info
from time_machine import TimeMachineFixture

from tests.smtp_sink import SmtpSink
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Member
from worklens_server.companies.services import (
    add_member,
    add_team_member,
    create_company,
    create_team,
)
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.projects.services import create_project

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest, time_machine: TimeMachineFixture) -> None:
    """Every server test starts at PINNED_NOW (midday in the company's zone, Europe/Berlin, on
    17 June 2026), never at the machine's clock, so no test depends on the hour it runs at: a
    test whose slots crossed local midnight used to fail about one run in 24.

    The clock ticks (`tick=True`): it starts at the pinned instant and moves on with real time.
    Sessions, login lockouts and rate limits, token and code expiry, the SMTP sink's waits and
    anything else that measures elapsed time need time to pass; a test lasts seconds and the
    instant is 12 hours from either midnight, so "today" stays the pinned day.

    To start elsewhere, mark the test `@pytest.mark.time_machine(instant, tick=False)` (then
    this fixture leaves the clock alone; `tick=False` freezes it, for tests at an exact second
    such as local midnight), or call `time_machine.move_to(...)` / `.shift(...)` in the test.
    Only this process's clock moves: the database server's clock and processes a test starts
    keep real time (no server code reads the database's clock). The end-to-end tests, which run
    real server processes, run on the real clock."""
    if request.node.get_closest_marker("time_machine") is None:
        time_machine.move_to(PINNED_NOW, tick=True)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["tests.server.quick_argon2.QuickArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings: Any) -> None:
    """Tasks (e-mail) run inside the request; tests of the real worker start it themselves."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> None:
    """Rate-limit counters (kept in the cache) start empty in every test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server that Django's SMTP backend delivers to."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


@pytest.fixture
def world(db: None) -> World:
    owner_user = create_user(
        email="owner@acme.example", password=PASSWORD, full_name="Olga Owner", verified=True
    )
    company = create_company(name="Acme", owner=owner_user, timezone=COMPANY_ZONE)
    owner = Member.objects.get(company=company, user=owner_user)
    manager = add_member(
        company=company,
        user=create_user(
            email="manager@acme.example", password=PASSWORD, full_name="Mia Manager", verified=True
        ),
        role=Member.Role.MANAGER,
    )
    employee = add_member(
        company=company,
        user=create_user(
            email="employee@acme.example",
            password=PASSWORD,
            full_name="Eli Employee",
            verified=True,
        ),
        role=Member.Role.EMPLOYEE,
    )
    loner = add_member(
        company=company,
        user=create_user(
            email="loner@acme.example", password=PASSWORD, full_name="Lou Loner", verified=True
        ),
        role=Member.Role.EMPLOYEE,
    )
    team = create_team(company=company, name="Support")
    add_team_member(team=team, member=manager, is_manager=True)
    add_team_member(team=team, member=employee)
    project = create_project(
        company=company, name="Website", task_names=["Design", "Build"], everyone=True
    )
    create_project(company=company, name="Support desk", task_names=["Tickets"], everyone=True)

    outsider_user = create_user(email="boss@other.example", password=PASSWORD, verified=True)
    outsider_company = create_company(name="Other Inc", owner=outsider_user)
    outsider_owner = Member.objects.get(company=outsider_company, user=outsider_user)
    outsider_employee = add_member(
        company=outsider_company,
        user=create_user(email="worker@other.example", password=PASSWORD, verified=True),
        role=Member.Role.EMPLOYEE,
    )
    create_project(company=outsider_company, name="Secret plan", task_names=["Hide"], everyone=True)
    return World(
        company=company,
        owner=owner,
        manager=manager,
        employee=employee,
        loner=loner,
        team=team,
        project=project,
        outsider_company=outsider_company,
        outsider_owner=outsider_owner,
        outsider_employee=outsider_employee,
    )


def _enroll(member: Member) -> EnrolledDevice:
    enrollment = enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    return EnrolledDevice(device_id=enrollment.device.id, token=enrollment.token, member=member)


@pytest.fixture
def device(world: World) -> EnrolledDevice:
    """The employee's enrolled device."""
    return _enroll(world.employee)


@pytest.fixture
def second_device(world: World) -> EnrolledDevice:
    """Another device of the same employee."""
    return _enroll(world.employee)


@pytest.fixture
def outsider_device(world: World) -> EnrolledDevice:
    """A device of the other company's employee."""
    return _enroll(world.outsider_employee)


@pytest.fixture
def api() -> Client:
    return Client()
