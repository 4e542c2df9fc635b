"""Which label applies to what a member had in front: the company's labels with the teams'
overrides, read once per page (two queries) and resolved in Python.

What is labelled is a span's "thing": its web domain when it carried one, else its app
(insights/domains.py). For a domain, the nearest labelled domain applies (a label on example.com
covers docs.example.com unless that has its own). For a member, an override of one of their
teams wins over the company's label; a member in several teams with different overrides gets
the first of those teams by name, so the answer never depends on the order rows were read in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from worklens_server.companies.models import TeamMembership
from worklens_server.insights.domains import parent_domains
from worklens_server.insights.models import AppLabel

#: ("app", name) or ("domain", name)
Thing = tuple[str, str]


def thing_of(app: str, domain: str) -> Thing:
    return ("domain", domain) if domain else ("app", app)


@dataclass(frozen=True)
class Label:
    productivity: str  # productive, neutral or unproductive
    active_without_input: bool
    team_id: uuid.UUID | None = None  # the overriding team, None for the company's label


@dataclass
class LabelBook:
    company: dict[Thing, Label] = field(default_factory=dict)
    teams: dict[uuid.UUID, dict[Thing, Label]] = field(default_factory=dict)
    #: member id -> their teams, by team name
    member_teams: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)

    def _candidates(self, thing: Thing) -> list[Thing]:
        kind, name = thing
        if kind == "domain":
            return [("domain", d) for d in parent_domains(name)]
        return [thing]

    def for_team(self, thing: Thing, team_id: uuid.UUID | None) -> Label | None:
        """The label a member of `team_id` gets (None: the company's alone)."""
        return self.for_teams(thing, [team_id] if team_id else [])

    def for_teams(self, thing: Thing, team_ids: Iterable[uuid.UUID]) -> Label | None:
        overrides = [self.teams.get(team_id, {}) for team_id in team_ids]
        for candidate in self._candidates(thing):
            for override in overrides:
                if candidate in override:
                    return override[candidate]
            if candidate in self.company:
                return self.company[candidate]
        return None

    def for_member(self, thing: Thing, member_id: uuid.UUID) -> Label | None:
        return self.for_teams(thing, self.member_teams.get(member_id, []))

    def marks_anything(self, member_id: uuid.UUID) -> bool:
        """Whether any label that may apply to this member counts as active without input."""
        apps, any_domain = self.marked_apps(member_id)
        return bool(apps) or any_domain

    def marked_apps(self, member_id: uuid.UUID) -> tuple[set[str], bool]:
        """The app names that may count as active without input for this member, and whether
        any domain may: what a read of their spans must fetch (the rest cannot count)."""
        labels = [self.company] + [
            self.teams.get(t, {}) for t in self.member_teams.get(member_id, [])
        ]
        apps = {n for book in labels for (k, n), lab in book.items() if k == "app"}
        apps = {
            a
            for a in apps
            if (lab := self.for_member(("app", a), member_id)) and lab.active_without_input
        }
        any_domain = any(
            k == "domain" and lab.active_without_input
            for book in labels
            for (k, _), lab in book.items()
        )
        return apps, any_domain


def load_labels(*, company_id: uuid.UUID, member_ids: Iterable[uuid.UUID] = ()) -> LabelBook:
    """The company's labels and overrides, and the teams of `member_ids`."""
    book = LabelBook()
    for label in AppLabel.objects.filter(company_id=company_id):
        entry = Label(label.productivity, label.active_without_input, label.team_id)
        if label.team_id is None:
            book.company[(label.kind, label.name)] = entry
        else:
            book.teams.setdefault(label.team_id, {})[(label.kind, label.name)] = entry
    ids = list(member_ids)
    if ids and book.teams:
        memberships = (
            TeamMembership.objects.filter(member_id__in=ids, team__company_id=company_id)
            .order_by("team__name")
            .values_list("member_id", "team_id")
        )
        for member_id, team_id in memberships:
            book.member_teams.setdefault(member_id, []).append(team_id)
    return book
