"""IDs of others in the projects pages' form bodies (the URLs' own rules are in
tests/server/test_access.py): another company's member, a member of a team the manager does not
manage, and the other company's project in the URL with this company's member in the body. Each
is refused, and nothing is stored: the rows are counted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from access_world import Side, make_side
from django.test import Client

from worklens_server.companies.models import Member
from worklens_server.projects.models import Assignment, Project, Task
from worklens_server.projects.services import assign_member_by, create_project_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides() -> tuple[Side, Side]:
    return make_side("a"), make_side("b")


def _as(member: Member) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(member.user)
    return client


def _rows() -> dict[str, object]:
    return {
        "projects": sorted(Project.objects.values_list("name", "is_archived", "hourly_rate")),
        "tasks": sorted(Task.objects.values_list("name", "is_archived")),
        "assignments": sorted(
            (str(a), str(b), str(c))
            for a, b, c in Assignment.objects.values_list("project_id", "member_id", "hourly_rate")
        ),
    }


@pytest.fixture
def team_1_project(sides: tuple[Side, Side]) -> Project:
    """Company A's project that team 1's manager manages (they created it, with their employee)."""
    a, _ = sides
    project = create_project_by(actor=a.manager_1, name="Team 1's project", task_names=["Task"])
    assign_member_by(actor=a.manager_1, project=project, member=a.employee_1)
    return project


@pytest.mark.parametrize("who", ["owner", "manager_1"])
def test_another_companys_member_cannot_be_assigned(
    sides: tuple[Side, Side], team_1_project: Project, who: str
) -> None:
    a, b = sides
    before = _rows()
    for member in (b.employee_1, b.owner):
        response = _as(getattr(a, who)).post(
            f"/projects/{team_1_project.pk}/members/", {"member": member.pk, "hourly_rate": "10"}
        )
        assert response.status_code == 404
    assert _rows() == before


def test_a_manager_cannot_assign_a_member_of_another_team(
    sides: tuple[Side, Side], team_1_project: Project
) -> None:
    a, _ = sides
    before = _rows()
    for member in (a.employee_2, a.manager_2, a.owner):
        response = _as(a.manager_1).post(
            f"/projects/{team_1_project.pk}/members/", {"member": member.pk}
        )
        assert response.status_code == 403, member
    assert _rows() == before
    # The owner may: the refusal above is the rule, not a broken form.
    response = _as(a.owner).post(
        f"/projects/{team_1_project.pk}/members/", {"member": a.employee_2.pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(project=team_1_project, member=a.employee_2).exists()


def test_a_manager_cannot_remove_or_rate_a_member_of_another_team(
    sides: tuple[Side, Side], team_1_project: Project
) -> None:
    a, _ = sides
    shared = create_project_by(actor=a.owner, name="Shared")
    assign_member_by(actor=a.owner, project=shared, member=a.employee_1)
    assign_member_by(actor=a.owner, project=shared, member=a.employee_2, hourly_rate=Decimal(5))
    before = _rows()
    manager = _as(a.manager_1)
    for url in (
        f"/projects/{shared.pk}/members/{a.employee_2.pk}/remove/",
        f"/projects/{shared.pk}/members/{a.employee_1.pk}/remove/",
        f"/projects/{team_1_project.pk}/members/{a.employee_2.pk}/remove/",
        f"/projects/{team_1_project.pk}/members/{a.employee_1.pk}/rate/",
    ):
        assert manager.post(url, {"hourly_rate": "1"}).status_code in (403, 404), url
    assert _rows() == before


def test_the_other_companys_project_with_our_member_in_the_body(
    sides: tuple[Side, Side],
) -> None:
    a, b = sides
    theirs = create_project_by(actor=b.owner, name="B's own", task_names=["B task"])
    task = theirs.tasks.get()
    before = _rows()
    owner = _as(a.owner)
    for url, data in (
        (f"/projects/{theirs.pk}/members/", {"member": a.employee_1.pk}),
        (f"/projects/{theirs.pk}/members/{a.employee_1.pk}/rate/", {"hourly_rate": "9"}),
        (f"/projects/{theirs.pk}/members/{b.employee_1.pk}/remove/", {}),
        (f"/projects/{theirs.pk}/edit/", {"name": "Taken over", "hourly_rate": "1"}),
        (f"/projects/{theirs.pk}/archive/", {}),
        (f"/projects/{theirs.pk}/tasks/", {"name": "Injected"}),
        (f"/projects/{theirs.pk}/tasks/{task.pk}/rename/", {"name": "Renamed"}),
        (f"/projects/{theirs.pk}/tasks/{task.pk}/archive/", {}),
    ):
        assert owner.post(url, data).status_code == 404, url
    assert _rows() == before


def test_a_task_of_another_project_in_the_url_is_refused(
    sides: tuple[Side, Side], team_1_project: Project
) -> None:
    a, _ = sides
    other = create_project_by(actor=a.owner, name="Other", task_names=["Not yours"])
    task = other.tasks.get()
    before = _rows()
    response = _as(a.owner).post(
        f"/projects/{team_1_project.pk}/tasks/{task.pk}/rename/", {"name": "Moved"}
    )
    assert response.status_code == 404
    assert _rows() == before
