"""The demo company and its people, made or found again through the companies, accounts and
projects services (`worklens-server seed_demo`). Every function may run on a database that has
them already: it finds what is there, sets fresh passwords, and adds what is missing.

Without a history the company has an owner, manager@, employee@ (and employee2@, ...) in one
team, "Demo team". With a history (demo_history.py) the people of `demo_cast.PEOPLE` join, in two
teams with a manager each; manager@ leads the first, so its team is named after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from worklens_server.accounts.models import User
from worklens_server.accounts.services import create_user, mark_email_verified, set_user_password
from worklens_server.companies.models import Company, Member, Team
from worklens_server.companies.services import (
    add_member,
    add_team_member,
    create_company,
    create_team,
    rename_team_by,
)
from worklens_server.operations.demo_cast import DOMAIN, PRODUCT, Person
from worklens_server.policies.services import update_policy
from worklens_server.privacy.services import update_personal_details
from worklens_server.projects.services import create_project

DEMO_COMPANY = "WorkLens Demo"
OWNER_EMAIL = f"owner@{DOMAIN}"
MANAGER_EMAIL = f"manager@{DOMAIN}"
EMPLOYEE_EMAIL = f"employee@{DOMAIN}"
#: The team of manager@ and employee@ without a history (older demo databases have it too).
DEMO_TEAM = "Demo team"
DEMO_PROJECTS = {
    "Website relaunch": ["Design", "Implementation", "Review"],
    "Customer support": ["Tickets", "Calls"],
    "Internal": ["Meetings", "Planning"],
}


def user_with_password(email: str, full_name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        return create_user(email=email, password=password, full_name=full_name, verified=True)
    set_user_password(user=user, password=password)
    # Sign-in needs a verified address; demo data from before that rule gets it here.
    mark_email_verified(user=user)
    return user


@dataclass(frozen=True)
class DemoCompany:
    company: Company
    owner: Member
    manager: Member
    employees: list[Member]


def ensure_company(
    *,
    passwords: dict[str, str],
    employees: int,
    slot_seconds: int,
    timezone: str,
    teams_of_history: bool,
) -> DemoCompany:
    """The company, owner@, manager@ and `employees` employees in manager@'s team (named
    PRODUCT when `teams_of_history`, else DEMO_TEAM), and the three demo projects."""
    owner_user = user_with_password(OWNER_EMAIL, "Olivia Owner", passwords["owner"])
    manager_user = user_with_password(MANAGER_EMAIL, "Max Manager", passwords["manager"])
    employee_user = user_with_password(EMPLOYEE_EMAIL, "Emma Employee", passwords["employee"])
    company = Company.objects.filter(
        name=DEMO_COMPANY, members__user=owner_user, members__role=Member.Role.OWNER
    ).first()
    if company is None:
        company = create_company(
            name=DEMO_COMPANY, owner=owner_user, timezone=timezone, slot_seconds=slot_seconds
        )
    else:
        update_policy(company=company, slot_seconds=slot_seconds)
    owner = Member.objects.get(company=company, user=owner_user)
    manager = add_member(company=company, user=manager_user, role=Member.Role.MANAGER)
    employee = add_member(company=company, user=employee_user, role=Member.Role.EMPLOYEE)
    team = _managers_team(company=company, owner=owner, named=PRODUCT if teams_of_history else None)
    add_team_member(team=team, member=manager, is_manager=True)
    add_team_member(team=team, member=employee)
    for project, tasks in DEMO_PROJECTS.items():
        # Open to everyone, so every demo employee's agent lists them.
        create_project(company=company, name=project, task_names=tasks, everyone=True)
    members = [employee]
    for number in range(2, employees + 1):
        local, domain = EMPLOYEE_EMAIL.split("@")
        other = user_with_password(
            f"{local}{number}@{domain}", f"Employee {number}", passwords["employee"]
        )
        members.append(add_member(company=company, user=other, role=Member.Role.EMPLOYEE))
        add_team_member(team=team, member=members[-1])
    return DemoCompany(company=company, owner=owner, manager=manager, employees=members)


def _managers_team(*, company: Company, owner: Member, named: str | None) -> Team:
    """manager@'s team: DEMO_TEAM, or `named`, which an existing DEMO_TEAM is renamed to (so a
    demo database made before the history has two teams, not three)."""
    if named is None:
        return create_team(company=company, name=DEMO_TEAM)
    old = Team.objects.filter(company=company, name=DEMO_TEAM).first()
    if old is not None and not Team.objects.filter(company=company, name=named).exists():
        return rename_team_by(actor=owner, team=old, name=named)
    return create_team(company=company, name=named)


def ensure_people(
    *, demo: DemoCompany, people: list[Person], passwords: dict[str, str]
) -> list[tuple[Person, Member]]:
    """`people` (of `demo_cast.PEOPLE`) as members of the company and their teams. Managers
    sign in with manager@'s password, everyone else with employee@'s."""
    members = []
    teams = {
        name: create_team(company=demo.company, name=name) for name in {p.team for p in people}
    }
    for person in people:
        role = Member.Role.MANAGER if person.is_manager else Member.Role.EMPLOYEE
        user = user_with_password(person.email, person.full_name, passwords[role])
        if user.timezone != person.timezone:
            update_personal_details(user=user, full_name=user.full_name, timezone=person.timezone)
        member = add_member(company=demo.company, user=user, role=role)
        add_team_member(team=teams[person.team], member=member, is_manager=person.is_manager)
        members.append((person, member))
    return members
