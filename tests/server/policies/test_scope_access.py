"""Whose settings a team or member policy page changes: only the team or member in its path, in
the viewer's reach. Ids of another team or another company, in the path or in the form's body,
change nothing anywhere (rows counted)."""

from __future__ import annotations

import pytest
from access_world import Side, make_side
from scope_testkit import as_member, member_url, override_form, policy_rows, team_url

from worklens_server.policies.models import PolicyOverride
from worklens_server.policies.services import update_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def sides() -> tuple[Side, Side]:
    a, b = make_side("a"), make_side("b")
    for side in (a, b):
        update_policy(company=side.company, managers_may_change=["capture_titles"])
    return a, b


def _with_foreign_ids(a: Side, b: Side) -> dict[str, str]:
    form = override_form(2, capture_titles=False)
    return form | {
        "team": str(a.team_2.pk),
        "team_id": str(b.team_1.pk),
        "member": str(b.employee_1.pk),
        "member_id": str(a.employee_2.pk),
        "company": str(b.company.pk),
    }


def test_ids_in_the_body_are_not_whose_settings_change(sides: tuple[Side, Side]) -> None:
    a, b = sides
    manager = as_member(a.manager_1)

    assert manager.post(team_url(a.team_1), _with_foreign_ids(a, b)).status_code == 302
    assert manager.post(member_url(a.employee_1), _with_foreign_ids(a, b)).status_code == 302

    changed = PolicyOverride.objects.values_list("team_id", "member_id")
    assert sorted(changed, key=str) == sorted(
        [(a.team_1.pk, None), (None, a.employee_1.pk)], key=str
    )


@pytest.mark.parametrize("who", ["manager_1", "employee_1"])
def test_another_teams_ids_in_the_path_are_refused(sides: tuple[Side, Side], who: str) -> None:
    a, b = sides
    client = as_member(getattr(a, who))
    before = policy_rows()
    for url in (team_url(a.team_2), member_url(a.employee_2), member_url(a.manager_2)):
        assert client.get(url).status_code in (403, 404), url
        refused = client.post(url, _with_foreign_ids(a, b))
        assert refused.status_code in (403, 404), url
    assert policy_rows() == before


@pytest.mark.parametrize("who", ["owner", "manager_1", "employee_1"])
def test_another_companys_ids_in_the_path_are_not_found(sides: tuple[Side, Side], who: str) -> None:
    a, b = sides
    client = as_member(getattr(a, who))
    before = policy_rows()
    for url in (team_url(b.team_1), member_url(b.employee_1), member_url(b.owner)):
        assert client.get(url).status_code == 404, url
        assert client.post(url, _with_foreign_ids(a, b)).status_code == 404, url
    assert policy_rows() == before
