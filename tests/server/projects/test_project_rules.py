"""The projects services' rules, as the pages and any other caller meet them: who may create and
manage what, what a rate and a budget may be, and what tracked time comes to."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, device_info
from tracked_day import track_day

from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Member
from worklens_server.companies.services import (
    InvalidChange,
    PermissionRefused,
    add_member,
    add_team_member,
    create_team,
)
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.projects.models import Assignment, Project
from worklens_server.projects.selectors import (
    get_project_page,
    list_projects_for_page,
    managed_projects,
)
from worklens_server.projects.services import (
    assign_member_by,
    create_project_by,
    set_member_rate_by,
    unassign_member_by,
    update_project_by,
)

pytestmark = pytest.mark.django_db


def _second_manager(world: World) -> Member:
    user = create_user(email="other.manager@acme.example", password="x" * 12, verified=True)
    manager = add_member(company=world.company, user=user, role=Member.Role.MANAGER)
    add_team_member(
        team=create_team(company=world.company, name="Sales"), member=manager, is_manager=True
    )
    return manager


def test_only_owners_and_managers_create_and_only_owners_set_money(world: World) -> None:
    with pytest.raises(PermissionRefused, match="only owners and managers create projects"):
        create_project_by(actor=world.employee, name="Mine")
    for extra in ({"hourly_rate": Decimal(10)}, {"everyone": True}):
        with pytest.raises(PermissionRefused, match="only an owner can set a rate"):
            create_project_by(actor=world.manager, name="Theirs", **extra)  # type: ignore[arg-type]
    project = create_project_by(actor=world.manager, name="Theirs")
    with pytest.raises(PermissionRefused, match="only an owner"):
        update_project_by(
            actor=world.manager, project=project, name="Theirs", budget_hours=None, everyone=True
        )
    assert Project.objects.filter(company=world.company).count() == 3
    assert (project.everyone, project.hourly_rate) == (False, None)


def test_names_budgets_and_rates_are_checked(world: World) -> None:
    owner = world.owner
    for name, message in (("   ", "a project needs a name"), ("x" * 201, "at most 200")):
        with pytest.raises(InvalidChange, match=message):
            create_project_by(actor=owner, name=name)
    for budget in (Decimal(0), Decimal(-1), Decimal(1_000_001)):
        with pytest.raises(InvalidChange, match="a budget is more than 0"):
            create_project_by(actor=owner, name="Budget", budget_hours=budget)
    with pytest.raises(InvalidChange, match="an hourly rate is between 0"):
        create_project_by(actor=owner, name="Rate", hourly_rate=Decimal("-0.01"))
    project = create_project_by(
        actor=owner, name="  Spaced   out ", task_names=["A", " A ", "B"], hourly_rate=Decimal(0)
    )
    assert project.name == "Spaced out"
    assert sorted(project.tasks.values_list("name", flat=True)) == ["A", "B"]
    assert project.hourly_rate == Decimal(0)


def test_who_manages_which_project(world: World) -> None:
    other_manager = _second_manager(world)
    create_project_by(actor=world.manager, name="Support's")
    owners = create_project_by(actor=world.owner, name="Owner's, for support")
    assign_member_by(actor=world.owner, project=owners, member=world.employee)
    shared = create_project_by(actor=world.owner, name="Shared")
    assign_member_by(actor=world.owner, project=shared, member=world.employee)
    assign_member_by(actor=world.owner, project=shared, member=world.loner)

    def managed(manager: Member) -> list[str]:
        return sorted(managed_projects(viewer=manager).values_list("name", flat=True))

    assert managed(world.manager) == ["Owner's, for support", "Support's"]
    assert managed(other_manager) == []  # Support's is empty, and not theirs
    assert managed(world.employee) == []
    assert len(managed(world.owner)) == 5
    for project in (world.project, shared):  # open to everyone; shared with the loner
        with pytest.raises(PermissionRefused, match="managed by the owners"):
            update_project_by(actor=world.manager, project=project, name="X", budget_hours=None)
    assert not Project.objects.filter(name="X").exists()


def test_assignments_and_member_rates(world: World) -> None:
    project = create_project_by(actor=world.owner, name="Audit")
    assign_member_by(actor=world.owner, project=project, member=world.employee)
    with pytest.raises(InvalidChange, match="is already on Audit"):
        assign_member_by(actor=world.owner, project=project, member=world.employee)
    with pytest.raises(InvalidChange, match="is not on Audit; add them first"):
        set_member_rate_by(
            actor=world.owner, project=project, member=world.loner, hourly_rate=Decimal(1)
        )
    with pytest.raises(PermissionRefused, match="only an owner can set a member's rate"):
        assign_member_by(
            actor=world.manager, project=project, member=world.manager, hourly_rate=Decimal(1)
        )
    with pytest.raises(PermissionRefused, match="belongs to another company"):
        assign_member_by(actor=world.owner, project=project, member=world.outsider_employee)
    unassign_member_by(actor=world.owner, project=project, member=world.employee)
    with pytest.raises(InvalidChange, match="is not on Audit"):
        unassign_member_by(actor=world.owner, project=project, member=world.employee)
    assert Assignment.objects.count() == 0


def test_amounts_use_the_members_own_rate_else_the_projects(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    project = create_project_by(actor=world.owner, name="Billing", task_names=["Work"])
    assign_member_by(actor=world.owner, project=project, member=world.employee)
    assign_member_by(
        actor=world.owner, project=project, member=world.loner, hourly_rate=Decimal(60)
    )
    enrolled = enroll_device(code=issue_enrollment_code(member=world.loner), info=device_info())
    track_day(api, device, project=project)  # half an hour each
    track_day(api, EnrolledDevice(enrolled.device.id, enrolled.token, world.loner), project=project)

    def amounts() -> tuple[str | None, dict[str, str | None]]:
        page = get_project_page(viewer=world.owner, project=Project.objects.get(pk=project.pk))
        return page.amount, {row.member.user.email: row.amount for row in page.members}

    # No project rate: only the loner's own rate bills.
    assert amounts() == (
        "30.00 EUR",
        {"employee@acme.example": None, "loner@acme.example": "30.00 EUR"},
    )
    update_project_by(
        actor=world.owner,
        project=project,
        name="Billing",
        budget_hours=Decimal("0.5"),
        hourly_rate=Decimal("100"),
    )
    assert amounts() == (
        "80.00 EUR",
        {"employee@acme.example": "50.00 EUR", "loner@acme.example": "30.00 EUR"},
    )
    (row,) = [
        r
        for r in list_projects_for_page(viewer=world.owner, archived=False)
        if r.project.pk == project.pk
    ]
    assert (row.amount, row.budget.percent, row.budget.over) == ("80.00 EUR", 200, True)
    (managed_row,) = [
        r
        for r in list_projects_for_page(viewer=world.manager, archived=False)
        if r.project.pk == project.pk
    ]
    # The manager sees their team's half hour (the loner is in no team of theirs), no money.
    assert (managed_row.amount, managed_row.budget.tracked_seconds) == (None, 1800)
