"""`worklens-server seed_demo`: a demo company to try WorkLens with (idempotent).

Running it again reuses the company and people, sets fresh passwords and issues fresh
enrollment codes, and prints them (the old codes stay valid until used or expired).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from worklens_server.accounts.models import User
from worklens_server.accounts.services import (
    create_user,
    mark_email_verified,
    set_user_password,
)
from worklens_server.companies.models import Company, Member
from worklens_server.companies.services import (
    add_member,
    add_team_member,
    create_company,
    create_team,
)
from worklens_server.devices.services import issue_enrollment_code
from worklens_server.policies.services import update_policy
from worklens_server.projects.services import create_project

DEMO_COMPANY = "WorkLens Demo"
OWNER_EMAIL = "owner@demo.worklens.example"
MANAGER_EMAIL = "manager@demo.worklens.example"
EMPLOYEE_EMAIL = "employee@demo.worklens.example"
DEMO_PROJECTS = {
    "Website relaunch": ["Design", "Implementation", "Review"],
    "Customer support": ["Tickets", "Calls"],
    "Internal": ["Meetings", "Planning"],
}


def _user_with_password(email: str, full_name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        return create_user(email=email, password=password, full_name=full_name, verified=True)
    set_user_password(user=user, password=password)
    # Sign-in needs a verified address; demo data from before that rule gets it here.
    mark_email_verified(user=user)
    return user


class Command(BaseCommand):
    help = "Create (or reuse) the demo company and print its logins and enrollment codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--codes", type=int, default=1, help="enrollment codes to issue")
        parser.add_argument(
            "--employees",
            type=int,
            default=1,
            help="demo employees (employee@, employee2@, ...); the codes go to them in turn, so "
            "`--codes 4 --employees 4` enrolls four people rather than four devices of one",
        )
        parser.add_argument(
            "--slot-seconds",
            type=int,
            default=60,
            help="activity slot length in the demo policy (short, so the dashboard fills fast)",
        )
        parser.add_argument("--timezone", default="UTC", help="the company's IANA timezone")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        passwords = {role: secrets.token_urlsafe(12) for role in ("owner", "manager", "employee")}
        owner = _user_with_password(OWNER_EMAIL, "Olivia Owner", passwords["owner"])
        manager_user = _user_with_password(MANAGER_EMAIL, "Max Manager", passwords["manager"])
        employee_user = _user_with_password(EMPLOYEE_EMAIL, "Emma Employee", passwords["employee"])

        company = Company.objects.filter(
            name=DEMO_COMPANY, members__user=owner, members__role=Member.Role.OWNER
        ).first()
        if company is None:
            company = create_company(
                name=DEMO_COMPANY,
                owner=owner,
                timezone=options["timezone"],
                slot_seconds=options["slot_seconds"],
            )
        else:
            update_policy(company=company, slot_seconds=options["slot_seconds"])
        manager = add_member(company=company, user=manager_user, role=Member.Role.MANAGER)
        employee = add_member(company=company, user=employee_user, role=Member.Role.EMPLOYEE)
        team = create_team(company=company, name="Demo team")
        add_team_member(team=team, member=manager, is_manager=True)
        add_team_member(team=team, member=employee)
        for project, tasks in DEMO_PROJECTS.items():
            # Open to everyone, so every demo employee's agent lists them.
            create_project(company=company, name=project, task_names=tasks, everyone=True)
        employees = [employee]
        for number in range(2, options["employees"] + 1):
            local, domain = EMPLOYEE_EMAIL.split("@")
            other = _user_with_password(
                f"{local}{number}@{domain}", f"Employee {number}", passwords["employee"]
            )
            employees.append(add_member(company=company, user=other, role=Member.Role.EMPLOYEE))
            add_team_member(team=team, member=employees[-1])
        codes = [
            issue_enrollment_code(member=employees[i % len(employees)])
            for i in range(options["codes"])
        ]

        result = {
            "company_id": str(company.id),
            "owner_email": OWNER_EMAIL,
            "owner_password": passwords["owner"],
            "manager_email": MANAGER_EMAIL,
            "manager_password": passwords["manager"],
            "employee_email": EMPLOYEE_EMAIL,
            "employee_password": passwords["employee"],
            "enrollment_codes": codes,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"Demo company {DEMO_COMPANY!r} ({company.id})")
        for role in ("owner", "manager", "employee"):
            self.stdout.write(f"  {role}: {result[f'{role}_email']} / {result[f'{role}_password']}")
        for code in codes:
            self.stdout.write(f"  enrollment code for the employee: {code}")
