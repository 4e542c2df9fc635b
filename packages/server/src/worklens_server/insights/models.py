"""What the apps and sites pages read: per member and local day, the seconds of each app and web
domain (kept at ingest), and the labels the company gives apps and domains.

Labels never change what is collected or stored: they are read when a page is shown, so a label
changed today re-labels every day already recorded.
"""

from __future__ import annotations

from django.db import models

from worklens_server.companies.models import Company, Member, Team


class AppDayTotal(models.Model):
    """Seconds of one app (and web domain, "" when its spans carried no URL) on one local day of
    the member (Member.timezone), added at ingest from the app spans actually inserted, so a
    re-sent span never counts twice. A month of the whole company is a GROUP BY over these
    rows, not over millions of spans; a span crossing local midnight is split between its days."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the unique (member, day, app, domain) constraint below.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="app_day_totals", db_index=False
    )
    day = models.DateField()
    app = models.CharField(max_length=255)
    domain = models.CharField(max_length=255, blank=True)
    seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "day", "app", "domain"], name="app_day_total_unique"
            )
        ]
        # The company's report reads a range of days of every member: this index answers it
        # without touching the table (index-only scan on PostgreSQL).
        indexes = [
            models.Index(
                fields=["company", "day"],
                include=["member", "app", "domain", "seconds"],
                name="app_day_total_company_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.app} {self.domain} on {self.day}"


class Productivity(models.TextChoices):
    PRODUCTIVE = "productive", "Productive"
    NEUTRAL = "neutral", "Neutral"
    UNPRODUCTIVE = "unproductive", "Unproductive"


class AppLabel(models.Model):
    """The company's label of one app or web domain (team None), or a team's override of it.

    An override replaces the company's label whole (productivity and the fair-activity mark) for
    the team's members. `name` is the app's name as the agent reports it, or a domain in lower
    case without "www." (a domain's label also covers its subdomains)."""

    class Kind(models.TextChoices):
        APP = "app", "Application"
        DOMAIN = "domain", "Web domain"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=255)
    productivity = models.CharField(
        max_length=16, choices=Productivity.choices, default=Productivity.NEUTRAL
    )
    #: Fair activity: time with this app or domain in front counts as active without input.
    active_without_input = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "name"],
                condition=models.Q(team__isnull=True),
                name="app_label_unique_company",
            ),
            models.UniqueConstraint(
                fields=["team", "kind", "name"],
                condition=models.Q(team__isnull=False),
                name="app_label_unique_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}: {self.productivity}"
