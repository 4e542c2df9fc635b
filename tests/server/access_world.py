"""The two companies of the access test (test_access.py): each with an owner, two managers (of
teams 1 and 2) and one employee in each team, every one with an enrolled device; the objects
of a company's team 2 that the object URLs name; and the counters of rows a refused request must
leave as they were."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.test import Client
from server_testkit import EnrolledDevice, device_info
from tracked_day import DAY, START, track_day

from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Company, Member, Team
from worklens_server.companies.services import (
    add_member,
    add_team_member,
    create_company,
    create_team,
)
from worklens_server.devices.models import Device
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.insights.models import AppLabel
from worklens_server.invitations.models import Invitation
from worklens_server.policies.models import Policy as PolicyRow
from worklens_server.policies.models import PolicyChange, PolicyOverride
from worklens_server.projects.services import assign_member_by, create_project, create_project_by
from worklens_server.timesheets.models import TimeChange, TimesheetWeek, WeekEvent
from worklens_server.timesheets.services.changes import request_added_time
from worklens_server.timesheets.services.weeks import submit_week


@dataclass
class Side:
    """One company's people."""

    company: Company
    owner: Member
    manager_1: Member
    manager_2: Member
    employee_1: Member
    employee_2: Member
    team_1: Team
    team_2: Team

    @property
    def everyone(self) -> dict[str, Member]:
        return {
            "owner": self.owner,
            "manager_1": self.manager_1,
            "manager_2": self.manager_2,
            "employee_1": self.employee_1,
            "employee_2": self.employee_2,
        }


def make_side(prefix: str) -> Side:
    def user(name: str) -> Any:
        return create_user(email=f"{name}@{prefix}.example", password="pw-not-checked-here")

    owner_user = user("owner")
    company = create_company(name=f"Company {prefix}", owner=owner_user)
    create_project(company=company, name=f"Project of {prefix}", everyone=True)
    owner = Member.objects.get(company=company, user=owner_user)
    people = {
        name: add_member(company=company, user=user(name), role=role)
        for name, role in (
            ("manager-1", Member.Role.MANAGER),
            ("manager-2", Member.Role.MANAGER),
            ("employee-1", Member.Role.EMPLOYEE),
            ("employee-2", Member.Role.EMPLOYEE),
        )
    }
    team_1 = create_team(company=company, name="Team 1")
    team_2 = create_team(company=company, name="Team 2")
    add_team_member(team=team_1, member=people["manager-1"], is_manager=True)
    add_team_member(team=team_1, member=people["employee-1"])
    add_team_member(team=team_2, member=people["manager-2"], is_manager=True)
    add_team_member(team=team_2, member=people["employee-2"])
    for member in (owner, *people.values()):
        enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    return Side(
        company,
        owner,
        people["manager-1"],
        people["manager-2"],
        people["employee-1"],
        people["employee-2"],
        team_1,
        team_2,
    )


def target_ids(side: Side) -> dict[str, str]:
    """The objects of `side`'s team 2, by kind: what goes into each URL parameter. Team 2's
    project is one only team 2's employee is assigned to, so team 1's manager does not manage it.
    The employee of team 2 tracked a day (tracked_day.DAY), asked to add an hour before it
    (waiting for approval) and submitted that week."""
    invitation = Invitation.objects.create(
        company=side.company,
        email="invited@team2.example",
        role=Member.Role.EMPLOYEE,
        team=side.team_2,
        invited_by=side.owner,
        token_hash=uuid.uuid4().hex,
        expires_at="2999-01-01T00:00:00Z",
    )
    device = Device.objects.get(member=side.employee_2)
    enrolled = enroll_device(code=issue_enrollment_code(member=side.employee_2), info=device_info())
    day = track_day(Client(), EnrolledDevice(enrolled.device.id, enrolled.token, side.employee_2))
    project = create_project_by(actor=side.owner, name="Team 2's project", task_names=["Task"])
    assign_member_by(actor=side.owner, project=project, member=side.employee_2)
    change = request_added_time(
        member=side.employee_2,
        started_at=START - dt.timedelta(hours=3),
        ended_at=START - dt.timedelta(hours=2),
        reason="forgot the timer",
    )
    week = submit_week(member=side.employee_2, day=DAY)
    return {
        "project": str(project.pk),
        "task": str(project.tasks.get().pk),
        "screenshot": str(day.screenshot_ids[0]),
        "member": str(side.employee_2.pk),
        "team": str(side.team_2.pk),
        "device": str(device.pk),
        "invitation": str(invitation.pk),
        "entry": str(day.entry_id),
        "change": str(change.pk),
        "week": str(week.pk),
    }


#: What a request that `stores` may write: counted before and after it, inside its transaction.
ROWS = {
    # The company's labels of apps and domains, and the teams' overrides.
    "labels": lambda: list(
        AppLabel.objects.order_by("pk").values_list("team_id", "kind", "name", "productivity")
    ),
    "policy": lambda: (
        PolicyOverride.objects.count(),
        PolicyChange.objects.count(),
        sum(PolicyRow.objects.values_list("version", flat=True)),
    ),
    # Changes asked for or decided, weeks submitted or decided, and their steps.
    "timesheets": lambda: (
        list(TimeChange.objects.order_by("pk").values_list("status", flat=True)),
        list(TimesheetWeek.objects.order_by("pk").values_list("status", flat=True)),
        WeekEvent.objects.count(),
    ),
}
#: A team's or member's policy form: titles switched off (the ids in the body must not matter).
POLICY_FORM = {
    "version": "1",
    "capture_titles": "off",
    "team": "b:team_2",
    "team_id": "a:team_1",
    "member": "b:employee_2",
    "member_id": "a:employee_1",
}
