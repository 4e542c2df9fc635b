"""Writes of apps and sites: the labels. Who may label what: the owner labels for the company
and overrides for any team; a manager overrides for the teams they manage (as Hubstaff lets
managers set productivity for their own teams); an employee labels nothing. A label changes no
data: pages apply labels when they are read."""

from __future__ import annotations

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_managed_team_ids
from worklens_server.insights.domains import domain_of
from worklens_server.insights.models import AppLabel, Productivity


class LabelRefused(Exception):
    """The viewer may not set this label, or the label names nothing; the message says why."""


def may_label(*, viewer: Member, team: Team | None) -> bool:
    if viewer.role == Member.Role.OWNER:
        return team is None or team.company_id == viewer.company_id
    if team is None or viewer.role != Member.Role.MANAGER:
        return False
    return get_managed_team_ids(viewer=viewer).filter(team_id=team.pk).exists()


def clean_name(*, kind: str, name: str) -> str:
    """An app's name as the agent reports it; a domain as the pages show it (lower case, no
    "www."), also when a URL is pasted."""
    name = name.strip()
    if kind == AppLabel.Kind.DOMAIN:
        name = domain_of(name if "://" in name else f"https://{name}")
    if not name:
        raise LabelRefused("name: an app's name or a web domain is needed")
    return name[:255]


def set_label(
    *,
    viewer: Member,
    team: Team | None,
    kind: str,
    name: str,
    productivity: str,
    active_without_input: bool,
) -> AppLabel | None:
    """Set the company's label (team None) or a team's override of `kind` `name`; an empty
    `productivity` removes it (a removed override falls back to the company's label)."""
    if not may_label(viewer=viewer, team=team):
        what = "the company's labels" if team is None else f"the labels of team {team.name}"
        raise LabelRefused(f"your role does not allow you to change {what}")
    if kind not in AppLabel.Kind.values:
        raise LabelRefused(f"kind: {kind!r} is not app or domain")
    if productivity and productivity not in Productivity.values:
        raise LabelRefused(f"productivity: {productivity!r} is not a label")
    name = clean_name(kind=kind, name=name)
    existing = AppLabel.objects.filter(
        company_id=viewer.company_id, team=team, kind=kind, name=name
    )
    if not productivity:
        existing.delete()
        return None
    label, _ = AppLabel.objects.update_or_create(
        company_id=viewer.company_id,
        team=team,
        kind=kind,
        name=name,
        defaults={"productivity": productivity, "active_without_input": active_without_input},
    )
    return label
