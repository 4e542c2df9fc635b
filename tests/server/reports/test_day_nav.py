"""The day's sub-navigation (Team today · Timeline · Gallery) on the three team pages, for every
role, marking the page shown; an employee's says the pages hold their own day only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from server_testkit import World

pytestmark = pytest.mark.django_db

PAGES = {"/team/today/": "Team today", "/team/timeline/": "Timeline", "/team/gallery/": "Gallery"}


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.mark.parametrize("viewer", ["employee", "manager", "owner"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_team_page_links_the_other_two_and_marks_itself(
    world: World, viewer: str, path: str
) -> None:
    response = _client(getattr(world, viewer)).get(path)
    assert response.status_code == 200
    nav = response.content.decode().split('<nav class="subnav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav)
    assert [(href, name) for href, _, name in links] == list(PAGES.items())
    assert [name for _, current, name in links if current] == [PAGES[path]]
    assert ("your own day" in nav) == (viewer == "employee")


def test_other_pages_have_no_day_navigation(world: World) -> None:
    page = _client(world.owner).get("/timesheets/team/").content.decode()
    assert 'class="subnav"' not in page
