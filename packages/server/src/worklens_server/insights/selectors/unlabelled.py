"""The labelling page's list: the apps and web domains seen in the last 30 days (by the company,
or by one team's members) with the label each has, unlabelled ones first; and the labels set
for things not seen lately, so none is out of reach."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Sum

from worklens_server.companies.models import Member, Team
from worklens_server.formatting import clock
from worklens_server.insights.models import AppDayTotal
from worklens_server.insights.selectors.labels import Label, load_labels, thing_of

SEEN_DAYS = 30


@dataclass
class LabelRow:
    kind: str
    name: str
    seconds: int
    #: What applies on this page's level: the team's override, else the company's label.
    label: Label | None
    #: The company's label, shown beside a team's override.
    company_label: Label | None

    @property
    def productivity(self) -> str:
        return self.label.productivity if self.label else ""

    @property
    def overridden(self) -> bool:
        return self.label is not None and self.label.team_id is not None

    @property
    def duration_display(self) -> str:
        return clock(self.seconds)

    @property
    def row_id(self) -> str:
        """Stable across processes (str hashes are not), and safe as an HTML id."""
        return f"label-{self.kind}-{hashlib.sha256(self.name.encode()).hexdigest()[:12]}"


@dataclass
class LabelPage:
    team: Team | None
    unlabelled: list[LabelRow]
    labelled: list[LabelRow]
    since: dt.date


def get_label_page(*, viewer: Member, team: Team | None, today: dt.date) -> LabelPage:
    """Callers check that `viewer` may label for `team` (the company's labels: the owner)."""
    since = today - dt.timedelta(days=SEEN_DAYS - 1)
    totals = AppDayTotal.objects.filter(company_id=viewer.company_id, day__gte=since)
    if team is not None:
        totals = totals.filter(member__team_memberships__team=team)
    seen: dict[tuple[str, str], int] = {}
    for app, domain, seconds in (
        totals.values_list("app", "domain").annotate(total=Sum("seconds")).order_by()
    ):
        thing = thing_of(app, domain)
        seen[thing] = seen.get(thing, 0) + int(seconds)
    book = load_labels(company_id=viewer.company_id)
    own = book.teams.get(team.pk, {}) if team is not None else book.company
    for thing in own:
        seen.setdefault(thing, 0)
    rows = [
        LabelRow(
            kind=kind,
            name=name,
            seconds=seconds,
            label=book.for_team((kind, name), team.pk if team else None),
            company_label=book.for_team((kind, name), None),
        )
        for (kind, name), seconds in seen.items()
    ]
    rows.sort(key=lambda row: (-row.seconds, row.kind, row.name))
    return LabelPage(
        team=team,
        unlabelled=[row for row in rows if row.label is None],
        labelled=[row for row in rows if row.label is not None],
        since=since,
    )
