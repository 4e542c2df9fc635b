"""The projects pages as owners and managers use them: creating, renaming, budgets, rates and
amounts (owners only), tasks, assigning members (a manager only those they manage) and
archiving; tracked time comes from what the agent API stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World, device_info
from tracked_day import track_day

from worklens_server.companies.models import Member
from worklens_server.devices.services import enroll_device, issue_enrollment_code
from worklens_server.projects.models import Assignment, Project, Task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _as(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _create(client: Client, **fields: str) -> Project:
    before = Project.objects.count()
    response = client.post("/projects/", {"name": "Brochure", "tasks": "Draft\nEdit\n"} | fields)
    assert response.status_code == 302, response.content.decode()
    assert Project.objects.count() == before + 1
    project = Project.objects.get(name=fields.get("name", "Brochure"))
    assert response["Location"] == f"/projects/{project.pk}/"
    return project


def test_owner_creates_a_project_with_tasks_budget_and_rate(world: World) -> None:
    owner = _as(world.owner)
    project = _create(owner, budget_hours="12.5", hourly_rate="90")

    assert (project.budget_hours, project.hourly_rate) == (Decimal("12.5"), Decimal("90"))
    assert (project.everyone, project.is_archived, project.created_by) == (
        False,
        False,
        world.owner,
    )
    assert sorted(project.tasks.values_list("name", flat=True)) == ["Draft", "Edit"]
    page = owner.get(f"/projects/{project.pk}/").content.decode()
    assert "0% of 12.5 h" in page
    assert "90.00 EUR/h" in page
    assert "Nobody is assigned yet: nobody's agent offers this project." in page


def test_a_duplicate_name_is_refused_and_nothing_is_stored(world: World) -> None:
    owner = _as(world.owner)
    response = owner.post("/projects/", {"name": " Website ", "tasks": "Other"})
    assert response.status_code == 400
    assert "a project named &#x27;Website&#x27; already exists" in response.content.decode()
    assert Project.objects.filter(company=world.company).count() == 2
    assert not Task.objects.filter(name="Other").exists()


def test_tracked_time_budget_and_amounts_on_the_pages(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    owner = _as(world.owner)
    project = _create(owner, budget_hours="1", hourly_rate="100")
    owner.post(f"/projects/{project.pk}/members/", {"member": world.employee.pk})
    track_day(api, device, project=project)  # 30 minutes on the task "Draft"

    listing = owner.get("/projects/").content.decode()
    assert "0:30:00" in listing
    assert "50% of 1 h" in listing
    assert "50.00 EUR" in listing

    owner.post(f"/projects/{project.pk}/members/{world.employee.pk}/rate/", {"hourly_rate": "80.5"})
    assert Assignment.objects.get(project=project).hourly_rate == Decimal("80.5")
    page = owner.get(f"/projects/{project.pk}/").content.decode()
    assert "40.25 EUR" in page  # half an hour at the employee's own rate
    assert 'data-task="' in page
    assert "0:30:00" in page

    manager = _as(world.manager)
    managed = manager.get(f"/projects/{project.pk}/").content.decode()
    assert "0:30:00" in managed  # the employee is in the manager's team
    assert "EUR" not in managed
    assert "80.5" not in managed
    assert "Rate" not in managed
    assert "EUR" not in manager.get("/projects/").content.decode()


def test_a_manager_sees_only_their_teams_time(
    api: Client, world: World, device: EnrolledDevice
) -> None:
    loner_device = _enroll(world.loner)
    track_day(api, device, project=world.project)
    track_day(api, loner_device, project=world.project)

    owner_row = _row(_as(world.owner).get("/projects/").content.decode(), world.project)
    manager_row = _row(_as(world.manager).get("/projects/").content.decode(), world.project)

    assert "1:00:00" in owner_row
    assert "0:30:00" in manager_row
    assert "1:00:00" not in manager_row
    assert "managed by the owners" in manager_row  # open to everyone: the owners'


def _enroll(member: Member) -> EnrolledDevice:
    enrollment = enroll_device(code=issue_enrollment_code(member=member), info=device_info())
    return EnrolledDevice(enrollment.device.id, enrollment.token, member)


def _row(page: str, project: Project) -> str:
    start = page.index(f'data-project="{project.pk}"')
    return page[start : page.index("</tr>", start)]


def test_a_manager_creates_and_assigns_only_their_teams_members(world: World) -> None:
    manager = _as(world.manager)
    form = manager.get("/projects/").content.decode()
    assert 'name="hourly_rate"' not in form
    assert 'name="everyone"' not in form

    project = _create(manager, hourly_rate="500", everyone="on")
    assert (project.hourly_rate, project.everyone) == (None, False)  # not the manager's to set
    page = manager.get(f"/projects/{project.pk}/").content.decode()
    candidates = page[page.index('id="assign-member"') :]
    assert world.employee.user.email in candidates
    assert world.loner.user.email not in candidates  # in no team the manager manages
    assert world.owner.user.email not in candidates

    assert (
        manager.post(f"/projects/{project.pk}/members/", {"member": world.employee.pk}).status_code
        == 302
    )
    refused = manager.post(f"/projects/{project.pk}/members/", {"member": world.loner.pk})
    assert refused.status_code == 403
    outsider = manager.post(
        f"/projects/{project.pk}/members/", {"member": world.outsider_employee.pk}
    )
    assert outsider.status_code == 404
    assert list(Assignment.objects.values_list("member_id", "hourly_rate")) == [
        (world.employee.pk, None)
    ]


def test_a_manager_loses_a_project_shared_with_another_team(world: World) -> None:
    manager = _as(world.manager)
    project = _create(manager)
    manager.post(f"/projects/{project.pk}/members/", {"member": world.employee.pk})
    _as(world.owner).post(f"/projects/{project.pk}/members/", {"member": world.loner.pk})

    assert manager.get(f"/projects/{project.pk}/").status_code == 404
    assert manager.post(f"/projects/{project.pk}/archive/").status_code == 404
    assert not Project.objects.get(pk=project.pk).is_archived
    assert "managed by the owners" in _row(manager.get("/projects/").content.decode(), project)


@pytest.mark.parametrize("htmx", [False, True])
def test_manager_removing_their_last_member_hands_the_project_back(
    world: World, htmx: bool
) -> None:
    owner_made = _create(_as(world.owner))
    _as(world.owner).post(f"/projects/{owner_made.pk}/members/", {"member": world.employee.pk})
    manager = _as(world.manager)
    assert manager.get(f"/projects/{owner_made.pk}/").status_code == 200

    url = f"/projects/{owner_made.pk}/members/{world.employee.pk}/remove/"
    response = manager.post(url, **(HTMX if htmx else {}))

    if htmx:  # the page would no longer open: htmx is sent to the list instead
        assert (response.status_code, response["HX-Redirect"]) == (204, "/projects/")
    else:
        assert response["Location"] == "/projects/"
    assert not Assignment.objects.exists()
    assert manager.get(f"/projects/{owner_made.pk}/").status_code == 404


def test_rates_are_the_owners(world: World) -> None:
    project = _create(_as(world.manager))
    manager = _as(world.manager)
    manager.post(f"/projects/{project.pk}/members/", {"member": world.employee.pk})
    rate_url = f"/projects/{project.pk}/members/{world.employee.pk}/rate/"
    assert manager.post(rate_url, {"hourly_rate": "70"}).status_code == 403
    manager.post(f"/projects/{project.pk}/edit/", {"name": "Renamed", "hourly_rate": "70"})
    project.refresh_from_db()
    assert (project.name, project.hourly_rate) == ("Renamed", None)
    assert Assignment.objects.get().hourly_rate is None


def test_rename_budget_and_everyone_by_the_owner(world: World) -> None:
    owner = _as(world.owner)
    project = _create(owner)
    response = owner.post(
        f"/projects/{project.pk}/edit/",
        {"name": "Brochure 2", "budget_hours": "40", "hourly_rate": "", "everyone": "on"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.budget_hours, project.hourly_rate, project.everyone) == (
        "Brochure 2",
        Decimal(40),
        None,
        True,
    )
    bad = owner.post(f"/projects/{project.pk}/edit/", {"name": "Website", "budget_hours": "-1"})
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 0.01." in bad.content.decode()
    clash = owner.post(f"/projects/{project.pk}/edit/", {"name": "Website"})
    assert "a project named &#x27;Website&#x27; already exists" in clash.content.decode()
    project.refresh_from_db()
    assert (project.name, project.budget_hours) == ("Brochure 2", Decimal(40))


def test_tasks_are_added_renamed_and_archived_in_place(world: World) -> None:
    owner = _as(world.owner)
    project = _create(owner)
    base = f"/projects/{project.pk}/tasks/"

    added = owner.post(base, {"name": "Print"}, **HTMX)
    assert added.status_code == 200
    assert 'value="Print"' in added.content.decode()
    assert "<html" not in added.content.decode()  # the tasks part only
    task = project.tasks.get(name="Print")
    owner.post(f"{base}{task.pk}/rename/", {"name": "Printing"}, **HTMX)
    clash = owner.post(f"{base}{task.pk}/rename/", {"name": "Draft"}, **HTMX)
    assert "Brochure already has a task named &#x27;Draft&#x27;" in clash.content.decode()
    owner.post(f"{base}{task.pk}/archive/", **HTMX)
    task.refresh_from_db()
    assert (task.name, task.is_archived) == ("Printing", True)
    owner.post(f"{base}{task.pk}/unarchive/")
    task.refresh_from_db()
    assert task.is_archived is False

    other = Task.objects.get(project=world.project, name="Design")
    assert owner.post(f"{base}{other.pk}/archive/").status_code == 404
    assert Task.objects.get(pk=other.pk).is_archived is False


def test_archived_projects_are_behind_the_filter(world: World) -> None:
    owner = _as(world.owner)
    project = _create(owner)
    owner.post(f"/projects/{project.pk}/archive/")
    assert Project.objects.get(pk=project.pk).is_archived
    assert 'data-project="' + str(project.pk) not in owner.get("/projects/").content.decode()
    archived = owner.get("/projects/?show=archived").content.decode()
    assert 'data-project="' + str(project.pk) in archived
    assert owner.post(f"/projects/{project.pk}/unarchive/").status_code == 302
    assert not Project.objects.get(pk=project.pk).is_archived


def test_employees_have_no_projects_page(world: World) -> None:
    employee = _as(world.employee)
    assert employee.get("/projects/").status_code == 403
    assert employee.post("/projects/", {"name": "Mine"}).status_code == 403
    assert employee.get(f"/projects/{world.project.pk}/").status_code == 404
    assert not Project.objects.filter(name="Mine").exists()
    assert 'href="/projects/"' not in employee.get("/team/today/").content.decode()
    assert 'href="/projects/"' in _as(world.manager).get("/team/today/").content.decode()
