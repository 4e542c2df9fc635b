"""Labels: the company labels apps and domains, a team's manager overrides them for the team,
the unlabelled ones are listed for labelling (label in place with htmx), and the productivity
score per member and day is productive time / tracked time, shown with its parts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from insights_kit import at, by_first_cell, enrolled, set_label, signed_in, table, upload
from server_testkit import EnrolledDevice, World

from worklens_server.insights.models import AppLabel

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 15)
#: 1,200 s tracked: 600 in the editor, 300 on a news site, 180 on the docs, 120 in chat.
SPANS = [
    (0, 600, "Code", None),
    (600, 300, "Firefox", "https://news.example.org/today"),
    (900, 180, "Firefox", "https://docs.python.org/3/"),
    (1080, 120, "Slack", None),
]
SLOTS = [(0, 600, 500), (600, 600, 200)]


@pytest.fixture
def monday(api: Client, device: EnrolledDevice) -> None:
    upload(api, device, at(MONDAY, 8), SPANS, SLOTS)


def _day_score(client: Client, member_id: object) -> list[str]:
    page = client.get(f"/apps/members/{member_id}/?period=day&date=2026-06-15")
    return by_first_cell(table(page.content.decode(), "scores-table"))["Mon 15 Jun"]


def test_unlabelled_apps_and_domains_are_listed_and_labelled_in_place(
    world: World, monday: None
) -> None:
    owner = signed_in(world.owner)
    page = owner.get("/apps/labels/").content.decode()
    unlabelled = [row[0] for row in table(page, "labels-table unlabelled")]
    assert unlabelled == ["Code app", "news.example.org site", "docs.python.org site", "Slack app"]

    answer = set_label(owner, "app", "Code", "productive")
    assert answer.status_code == 200
    assert 'id="label-app-' in answer.content.decode()
    assert "saved" in answer.content.decode()
    assert AppLabel.objects.get(team=None, kind="app", name="Code").productivity == "productive"
    page = owner.get("/apps/labels/").content.decode()
    assert "Code app" not in [row[0] for row in table(page, "labels-table unlabelled")]
    assert "Code app" in [row[0] for row in table(page, "labels-table labelled")]

    # An empty label removes it: the app is unlabelled again.
    set_label(owner, "app", "Code", "")
    assert not AppLabel.objects.filter(kind="app", name="Code").exists()


def test_the_score_is_productive_over_tracked_with_its_parts(world: World, monday: None) -> None:
    owner = signed_in(world.owner)
    set_label(owner, "app", "Code", "productive")
    set_label(owner, "domain", "python.org", "productive")  # covers docs.python.org
    set_label(owner, "domain", "https://www.news.example.org/x", "unproductive")  # a pasted URL
    set_label(owner, "app", "Slack", "neutral")
    tracked, score, parts = _day_score(owner, world.employee.pk)
    assert tracked == "0:20:00"
    assert score == "65%"  # (600 + 180) / 1200
    assert "productive 65%" in parts
    assert "unproductive 25%" in parts
    assert "neutral 10%" in parts
    assert "unlabelled 0%" in parts
    assert AppLabel.objects.filter(kind="domain", name="news.example.org").exists()


def test_a_teams_override_applies_to_its_members_only(
    api: Client, world: World, monday: None
) -> None:
    upload(api, enrolled(world.loner), at(MONDAY, 8), SPANS, SLOTS)
    owner, manager = signed_in(world.owner), signed_in(world.manager)
    set_label(owner, "app", "Code", "productive")
    answer = set_label(manager, "app", "Code", "unproductive", team=world.team)
    assert answer.status_code == 200
    assert _day_score(owner, world.employee.pk)[1] == "0%"  # in the team: overridden
    assert _day_score(owner, world.loner.pk)[1] == "50%"  # in no team: the company's label
    team_page = manager.get(f"/apps/labels/?team={world.team.pk}").content.decode()
    code = by_first_cell(table(team_page, "labels-table labelled"))["Code app"]
    assert code[1] == "productive"  # the company's label, shown beside the override
    # Removing the override falls back to the company's label.
    set_label(manager, "app", "Code", "", team=world.team)
    assert _day_score(owner, world.employee.pk)[1] == "50%"


def test_who_may_label(world: World, monday: None) -> None:
    manager, employee = signed_in(world.manager), signed_in(world.employee)
    assert set_label(manager, "app", "Code", "productive").status_code == 403
    assert set_label(employee, "app", "Code", "productive").status_code == 403
    assert set_label(employee, "app", "Code", "productive", team=world.team).status_code == 403
    assert not AppLabel.objects.exists()
    # A manager's labels page is their team's; the company's list is the owner's.
    assert manager.get("/apps/labels/").status_code == 302
    assert employee.get("/apps/labels/").status_code == 403


def test_a_plain_form_post_returns_to_the_page(world: World, monday: None) -> None:
    answer = set_label(signed_in(world.owner), "domain", "zoom.us", "neutral", htmx=False)
    assert answer.status_code == 302
    assert answer["Location"] == "/apps/labels/"
    assert AppLabel.objects.filter(kind="domain", name="zoom.us").exists()
