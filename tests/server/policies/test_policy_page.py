"""/company/policy/: the owner changes what is collected; agents and members see the new version."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from server_testkit import EnrolledDevice, World

from worklens_server.companies.models import Member
from worklens_server.policies.models import Policy as PolicyRow
from worklens_server.policies.selectors import get_company_policy
from worklens_server.policies.services import update_policy
from worklens_wire.v1 import Policy

pytestmark = pytest.mark.django_db

URL = "/company/policy/"
SWITCHES = ("capture_activity", "capture_apps", "capture_titles", "capture_urls", "screenshot_blur")


def form_data(policy: Policy, **changes: Any) -> dict[str, str]:
    """What the browser posts for `policy` with `changes`: a ticked box is "on", an unticked
    one is left out, private apps are one per line."""
    values = {**policy.model_dump(), **changes}
    data = {"version": str(values.pop("version"))}
    for name, value in values.items():
        if name in SWITCHES:
            if value:
                data[name] = "on"
        elif name == "private_apps":
            data[name] = value if isinstance(value, str) else "\n".join(value)
        else:
            data[name] = str(value)
    return data


def as_member(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def policy_of(world: World) -> Policy:
    return get_company_policy(company_id=world.company.pk)


def test_owner_sees_the_policy_in_force_with_the_agents_bounds(world: World) -> None:
    page = as_member(world.owner).get(URL)
    html = page.content.decode()

    assert page.status_code == 200
    assert 'name="slot_seconds" value="600"' in html
    # The bounds come from the wire Policy (the agent's limits).
    assert 'name="slot_seconds" value="600" min="5" max="3600"' in html
    assert 'name="screenshots_per_interval" value="1" min="0" max="3"' in html
    assert 'name="screenshot_max_width" value="1920" min="320" max="7680"' in html
    assert 'id="id_capture_urls" checked' in html
    assert 'id="id_screenshot_blur" checked' not in html
    assert "Saving a change creates a new policy version" in html
    assert "every agent picks it up within 5 minutes" in html
    assert "What members read now" in html
    assert "The address (URL) of the page open in your browser." in html


def test_owner_saves_a_new_version_which_the_agent_gets(
    world: World, device: EnrolledDevice, outsider_device: EnrolledDevice
) -> None:
    owner = as_member(world.owner)
    changes = {
        "slot_seconds": 300,
        "idle_threshold_seconds": 120,
        "capture_titles": False,
        "capture_urls": False,
        "screenshots_per_interval": 2,
        "screenshot_interval_seconds": 900,
        "screenshot_quality": 60,
        "screenshot_max_width": 1280,
        "screenshot_blur": True,
        "private_apps": ["KeePassXC", "Signal"],
    }

    saved = owner.post(URL, form_data(policy_of(world), **changes), follow=True)

    html = saved.content.decode()
    assert saved.redirect_chain == [(URL, 302)]
    assert (
        "Saved as version 2. Every member whose policy changed is asked to acknowledge it" in html
    )
    assert "Window titles." in html  # the text members now read lists it as switched off
    expected = Policy(version=2, **changes)
    assert policy_of(world) == expected
    api = Client()
    response = api.get("/api/v1/policy", **device.auth)
    assert response.status_code == 200
    assert Policy.model_validate_json(response.content) == expected
    other = Policy.model_validate_json(api.get("/api/v1/policy", **outsider_device.auth).content)
    assert other == Policy(version=1)


def test_saving_the_same_values_creates_no_version(world: World) -> None:
    response = as_member(world.owner).post(URL, form_data(policy_of(world)), follow=True)
    assert "Nothing changed; the policy stays at version 1." in response.content.decode()
    assert policy_of(world).version == 1


def test_the_agents_limits_themselves_are_accepted(world: World) -> None:
    owner = as_member(world.owner)
    lowest = {
        "slot_seconds": 5,
        "idle_threshold_seconds": 30,
        "screenshots_per_interval": 0,
        "screenshot_interval_seconds": 30,
        "screenshot_quality": 10,
        "screenshot_max_width": 320,
        "private_apps": ["x" * 255] * 1,
    }
    highest = {
        "slot_seconds": 3600,
        "idle_threshold_seconds": 7200,
        "screenshots_per_interval": 3,
        "screenshot_interval_seconds": 3600,
        "screenshot_quality": 100,
        "screenshot_max_width": 7680,
        "private_apps": [f"app-{number}" for number in range(200)],
    }
    for version, values in ((2, lowest), (3, highest)):
        response = owner.post(URL, form_data(policy_of(world), **values))
        assert response.status_code == 302, response.content.decode()
        assert policy_of(world) == Policy(version=version, **values)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"slot_seconds": 4}, "greater than or equal to 5"),
        ({"slot_seconds": 3601}, "less than or equal to 3600"),
        ({"idle_threshold_seconds": 29}, "greater than or equal to 30"),
        ({"idle_threshold_seconds": 7201}, "less than or equal to 7200"),
        ({"screenshots_per_interval": -1}, "greater than or equal to 0"),
        ({"screenshots_per_interval": 4}, "less than or equal to 3"),
        ({"screenshot_interval_seconds": 29}, "greater than or equal to 30"),
        ({"screenshot_interval_seconds": 3601}, "less than or equal to 3600"),
        ({"screenshot_quality": 9}, "greater than or equal to 10"),
        ({"screenshot_quality": 101}, "less than or equal to 100"),
        ({"screenshot_max_width": 319}, "greater than or equal to 320"),
        ({"screenshot_max_width": 7681}, "less than or equal to 7680"),
        ({"slot_seconds": "ten minutes"}, "Enter a whole number."),
        ({"screenshot_quality": ""}, "This field is required."),
        ({"private_apps": ["KeePassXC", "y" * 256]}, "yyyyyyyyyy…: String should have at most 255"),
        ({"private_apps": [f"app-{n}" for n in range(201)]}, "at most 200 private apps"),
    ],
)
def test_invalid_values_get_form_errors_and_change_nothing(
    world: World, device: EnrolledDevice, changes: dict[str, Any], error: str
) -> None:
    before = policy_of(world)
    data = form_data(before, capture_urls=False, **changes)

    response = as_member(world.owner).post(URL, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    assert 'class="errorlist' in html
    assert policy_of(world) == before
    agent_sees = Client().get("/api/v1/policy", **device.auth)
    assert Policy.model_validate_json(agent_sees.content) == before


def test_private_apps_are_one_per_line(world: World) -> None:
    owner = as_member(world.owner)
    typed = (
        "  KeePassXC  \r\n\r\n1Password.exe\nkeepassxc\n   \n"
        "C:\\Program Files\\Signal\\Signal.exe\n"
    )

    owner.post(URL, form_data(policy_of(world), private_apps=typed))

    expected = ["KeePassXC", "1Password.exe", "C:\\Program Files\\Signal\\Signal.exe"]
    assert policy_of(world).private_apps == expected
    page = owner.get(URL).content.decode()
    assert "KeePassXC\n1Password.exe\nC:\\Program Files\\Signal\\Signal.exe</textarea>" in page
    assert "Private apps: no screenshot is taken while one of these is in front: KeePassXC" in page

    owner.post(URL, form_data(policy_of(world), private_apps="\n \n"))
    assert policy_of(world).private_apps == []
    assert policy_of(world).version == 3


@pytest.mark.parametrize("who", ["manager", "employee"])
def test_managers_and_employees_are_refused(world: World, who: str) -> None:
    member = getattr(world, who)
    client = as_member(member)
    before = policy_of(world)

    assert client.get(URL).status_code == 403
    refused = client.post(URL, form_data(before, capture_urls=False, slot_seconds=60))

    assert refused.status_code == 403
    assert policy_of(world) == before
    nav = client.get("/team/today/").content.decode()
    assert URL not in nav


def test_owners_find_the_page_from_the_nav_and_the_settings(world: World) -> None:
    owner = as_member(world.owner)
    assert f'href="{URL}"' in owner.get("/team/today/").content.decode()
    assert f'href="{URL}"' in owner.get("/company/settings/").content.decode()


def test_members_read_the_new_text_and_must_acknowledge_again(world: World) -> None:
    employee = as_member(world.employee)
    first = employee.post("/collection-policy/", {"version": "1", "confirm": "on"})
    assert first.status_code == 200
    assert employee.post("/devices/codes/").status_code in (200, 302)

    saved = as_member(world.owner).post(
        URL, form_data(policy_of(world), capture_urls=False, screenshots_per_interval=0)
    )
    assert saved.status_code == 302

    page = employee.get("/collection-policy/").content.decode()
    assert 'data-policy-version="2"' in page
    assert "Web addresses (URLs) you visit." in page
    assert "Screenshots: none are taken." in page
    assert "The address (URL) of the page open in your browser." not in page
    assert "The policy changed since you acknowledged version 1; please read it again." in page
    assert employee.post("/devices/codes/")["Location"] == "/collection-policy/"
    again = employee.post("/collection-policy/", {"version": "2", "confirm": "on"})
    assert again.status_code == 200
    assert employee.post("/devices/codes/").status_code == 200


def test_preview_shows_the_new_text_without_saving(world: World) -> None:
    owner = as_member(world.owner)
    data = form_data(policy_of(world), capture_urls=False, screenshot_blur=True) | {"preview": "1"}

    page = owner.post(URL, data).content.decode()

    assert "Preview: what members will read" in page
    assert "Not saved yet. Saving creates version 2." in page
    assert "Web addresses (URLs) you visit." in page
    assert "blurred on your computer before they are uploaded" in page
    assert policy_of(world) == Policy(version=1)


def test_htmx_preview_swaps_only_the_preview(world: World) -> None:
    owner = as_member(world.owner)
    htmx = {"HTTP_HX_REQUEST": "true"}
    data = form_data(policy_of(world), capture_titles=False) | {"preview": "1"}

    partial = owner.post(URL, data, **htmx).content.decode()
    assert partial.startswith('<div class="card narrow wide-form" id="policy-preview"')
    assert "<html" not in partial
    assert "Window titles." in partial

    invalid = owner.post(URL, data | {"slot_seconds": "1"}, **htmx)
    assert invalid.status_code == 200  # htmx swaps only successful responses
    assert "No preview until the form's errors are fixed" in invalid.content.decode()
    assert "slot_seconds: Ensure this value is greater than or equal to 5." in (
        invalid.content.decode()
    )
    assert PolicyRow.objects.get(company=world.company).version == 1


def test_a_change_made_meanwhile_is_not_overwritten(world: World) -> None:
    owner = as_member(world.owner)
    stale_form = form_data(policy_of(world), slot_seconds=120)
    update_policy(company=world.company, capture_urls=False)  # someone else saved version 2

    response = owner.post(URL, stale_form)

    assert response.status_code == 409
    assert "changed by someone else while you edited it (now version 2)" in (
        response.content.decode()
    )
    assert policy_of(world) == Policy(version=2, capture_urls=False)
    resubmitted = owner.post(URL, form_data(policy_of(world), slot_seconds=120))
    assert resubmitted.status_code == 302
    assert policy_of(world) == Policy(version=3, capture_urls=False, slot_seconds=120)
