"""The apps and sites report: time per app and web domain for one member, one team or everyone
the viewer may see, over a period of local days, with the productivity of each and a score per
member (or, for one member, per day).

Both reads are GROUP BYs in the database over day totals kept at ingest (AppDayTotal,
MemberDayRollup), never over raw spans or slots: the whole company's month is one aggregate
over a few hundred thousand small rows, answered from an index. Labels are applied here, in
Python, to the grouped rows (labels.py), so a label changed today applies to every day.

The score is productive seconds / tracked seconds. Tracked seconds are the agent's recorded time
(the day rollups: what the slots cover); manual time has no apps and is left out, and so are
approved trims. What is not productive is shown in parts: neutral, unproductive, unlabelled, and
tracked time with no app recorded (applications switched off by the policy, or a gap).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_visible_members
from worklens_server.formatting import clock, percent
from worklens_server.insights.models import AppDayTotal
from worklens_server.insights.periods import ReportPeriod
from worklens_server.insights.selectors.labels import Label, LabelBook, Thing, load_labels, thing_of
from worklens_server.tracking.models import MemberDayRollup

PARTS = ("productive", "neutral", "unproductive", "unlabelled")


@dataclass
class UsageLine:
    """One app or web domain: its seconds over the period and its label."""

    kind: str  # app or domain
    name: str
    seconds: int = 0
    share: int | None = None
    label: Label | None = None
    #: For a domain, the browsers it was seen in.
    apps: set[str] = field(default_factory=set)

    @property
    def productivity(self) -> str:
        return self.label.productivity if self.label else "unlabelled"

    @property
    def duration_display(self) -> str:
        return clock(self.seconds)


@dataclass
class ScoreLine:
    """A member's (or, on one member's report, a day's) productivity: the tracked seconds and
    how the app time in them was labelled."""

    title: str
    key: str
    tracked: int = 0
    parts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))

    @property
    def app_seconds(self) -> int:
        return sum(self.parts.values())

    @property
    def no_app(self) -> int:
        return max(0, self.tracked - self.app_seconds)

    @property
    def tracked_display(self) -> str:
        return clock(self.tracked)

    @property
    def score(self) -> int | None:
        return (
            None
            if not self.tracked
            else min(100, percent(self.parts["productive"], self.tracked) or 0)
        )

    def share(self, part: str) -> int | None:
        return percent(self.parts[part], self.tracked)

    @functools.cached_property
    def shares(self) -> dict[str, int | None]:
        """Each part's share of the tracked time (read once the line is complete)."""
        shares = {part: self.share(part) for part in PARTS}
        shares["no_app"] = percent(self.no_app, self.tracked)
        return shares


@dataclass
class AppsReport:
    period: ReportPeriod
    lines: list[UsageLine]
    scores: list[ScoreLine]
    by_day: bool  # scores per day (one member) or per member

    @property
    def total_seconds(self) -> int:
        return sum(line.seconds for line in self.lines)

    @property
    def total_display(self) -> str:
        return clock(self.total_seconds)


def _scope(
    viewer: Member, team: Team | None, member: Member | None
) -> tuple[QuerySet[Member], bool]:
    """The members the report covers, and whether that is the viewer's whole company."""
    if member is not None:
        return Member.objects.filter(pk=member.pk), False
    visible = get_visible_members(viewer=viewer)
    if team is not None:
        return visible.filter(team_memberships__team=team), False
    return visible, viewer.role == Member.Role.OWNER


def get_apps_report(
    *,
    viewer: Member,
    period: ReportPeriod,
    team: Team | None = None,
    member: Member | None = None,
) -> AppsReport:
    """The report of `member`, else of `team`'s members, else of everyone `viewer` may see
    (callers check that `viewer` may see the member or team)."""
    members, whole_company = _scope(viewer, team, member)
    people = {m.pk: m.user.display_name for m in members.select_related("user")}
    by_day = member is not None
    group = "day" if by_day else "member_id"
    days = {"day__gte": period.start, "day__lte": period.end}
    who = {"company_id": viewer.company_id} if whole_company else {"member_id__in": list(people)}
    totals = (
        AppDayTotal.objects.filter(**who, **days)
        .values_list(group, "app", "domain")
        .annotate(total=Sum("seconds"))
        .order_by()
    )
    tracked = (
        MemberDayRollup.objects.filter(**who, **days)
        .values_list(group)
        .annotate(total=Sum("tracked_seconds"))
        .order_by()
    )
    book = load_labels(company_id=viewer.company_id, member_ids=people)
    return _assemble(period, book, people, list(totals), dict(tracked), by_day, team, member)


def _assemble(
    period: ReportPeriod,
    book: LabelBook,
    people: dict[uuid.UUID, str],
    totals: list[tuple[object, str, str, int]],
    tracked: dict[object, int],
    by_day: bool,
    team: Team | None,
    member: Member | None,
) -> AppsReport:
    lines: dict[Thing, UsageLine] = {}
    scores: dict[object, ScoreLine]
    if by_day:
        scores = {day: ScoreLine(f"{day:%a %d %b}", day.isoformat()) for day in period.days}
    else:
        scores = {pk: ScoreLine(name, str(pk)) for pk, name in people.items()}
    labels: dict[tuple[object, Thing], Label | None] = {}
    for group, app, domain, seconds in totals:
        thing = thing_of(app, domain)
        line = lines.get(thing) or lines.setdefault(thing, UsageLine(*thing))
        line.seconds += seconds
        if domain:
            line.apps.add(app)
        who = member.pk if member is not None else group
        if (who, thing) not in labels:
            assert isinstance(who, uuid.UUID)
            labels[who, thing] = book.for_member(thing, who)
        label = labels[who, thing]
        score = scores.get(group)
        if score is not None:
            score.parts[label.productivity if label else "unlabelled"] += seconds
    for group, seconds in tracked.items():
        if group in scores:
            scores[group].tracked = int(seconds)
    total = sum(line.seconds for line in lines.values())
    for line in lines.values():
        line.share = percent(line.seconds, total)
        if member is not None:
            line.label = labels.get((member.pk, (line.kind, line.name)))
        else:
            line.label = book.for_team((line.kind, line.name), team.pk if team else None)
    ordered = sorted(lines.values(), key=lambda line: (-line.seconds, line.kind, line.name))
    score_lines = list(scores.values())
    if not by_day:
        score_lines.sort(key=lambda s: (s.title.lower(), s.key))
    return AppsReport(period=period, lines=ordered, scores=score_lines, by_day=by_day)
