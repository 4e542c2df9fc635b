"""What each company allows the agent to collect (mirrors worklens_wire.v1.Policy), the
overrides per team and per member, and the history of every change.

One counter per company, `Policy.version`, numbers every change at any level (company, team,
member) and is the version every agent of the company receives: whenever what applies to a
member changes, the number their agent gets has gone up."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from worklens_server.companies.models import Company, Member, Team
from worklens_server.policies.rules import FIELDS


def _no_private_apps() -> list[str]:
    return []


def _no_fields() -> list[str]:
    return []


class Policy(models.Model):
    """The company policy: what applies to every member unless a team or member override says
    otherwise."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="policy")
    #: The company's policy counter: bumped by every change at any level, and by a team
    #: membership change that alters what applies to the member, so agents can tell they hold
    #: an old policy.
    version = models.PositiveIntegerField(default=1)
    #: The version of the last change to the fields below (a form filled before it is stale).
    changed_in_version = models.PositiveIntegerField(default=1)
    #: Fields managers may change for the teams they manage, only toward collecting less.
    managers_may_change = models.JSONField(default=_no_fields, blank=True)
    slot_seconds = models.PositiveIntegerField(default=600)
    idle_threshold_seconds = models.PositiveIntegerField(default=300)
    capture_activity = models.BooleanField(default=True)
    capture_apps = models.BooleanField(default=True)
    capture_titles = models.BooleanField(default=True)
    capture_urls = models.BooleanField(default=True)
    screenshots_per_interval = models.PositiveSmallIntegerField(default=1)
    screenshot_interval_seconds = models.PositiveIntegerField(default=600)
    screenshot_quality = models.PositiveSmallIntegerField(default=75)
    screenshot_max_width = models.PositiveIntegerField(default=1920)
    screenshot_blur = models.BooleanField(default=False)
    private_apps = models.JSONField(default=_no_private_apps, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"policy v{self.version} of {self.company}"


class PolicyAcknowledgement(models.Model):
    """A member confirmed they read what the company collects, at one version of the policy.

    `shown` keeps the plain-words text they saw, so what was acknowledged stays provable after
    the policy changes."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "companies.Member", on_delete=models.CASCADE, related_name="policy_acknowledgements"
    )
    #: The company's policy counter when they acknowledged.
    policy_version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    shown = models.JSONField()
    #: resolution.digest of the policy that applied to them: they are asked again only when
    #: what applies to them differs from it.
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "policy_version"], name="policy_ack_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} acknowledged policy v{self.policy_version}"


class PolicyOverride(models.Model):
    """What one team, or one member, sets differently from what they would inherit. A null
    field inherits; a row whose fields are all null is deleted."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="policy_override"
    )
    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="policy_override"
    )
    #: The version of the last change to this row (a form filled before it is stale).
    changed_in_version = models.PositiveIntegerField()
    slot_seconds = models.PositiveIntegerField(null=True, blank=True)
    idle_threshold_seconds = models.PositiveIntegerField(null=True, blank=True)
    capture_activity = models.BooleanField(null=True, blank=True)
    capture_apps = models.BooleanField(null=True, blank=True)
    capture_titles = models.BooleanField(null=True, blank=True)
    capture_urls = models.BooleanField(null=True, blank=True)
    screenshots_per_interval = models.PositiveSmallIntegerField(null=True, blank=True)
    screenshot_interval_seconds = models.PositiveIntegerField(null=True, blank=True)
    screenshot_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    screenshot_max_width = models.PositiveIntegerField(null=True, blank=True)
    screenshot_blur = models.BooleanField(null=True, blank=True)
    private_apps = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, member__isnull=True)
                | models.Q(team__isnull=True, member__isnull=False),
                name="policy_override_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"policy override of {self.team or self.member}"

    def values(self) -> dict[str, Any]:
        """The overridden fields and their values."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}


class PolicyChange(models.Model):
    """One version of a company's policy: who changed what at which level, and when.

    `changes` maps each changed field to [before, after]; null is "inherits" in a team or
    member override. A change of a member's own settings is deleted with the member (it is
    about them); the actor is kept as null when their account goes, as "a deleted account"."""

    class Scope(models.TextChoices):
        COMPANY = "company", "company policy"
        TEAM = "team", "team"
        MEMBER = "member", "member"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The actor's role when they made the change ("" for a command run by the operator).
    actor_role = models.CharField(max_length=16, blank=True)
    scope = models.CharField(max_length=8, choices=Scope.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The team's name then: the entry stays readable after the team is renamed or deleted.
    team_name = models.CharField(max_length=200, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "version"], name="policy_change_version")
        ]
        indexes = [models.Index(fields=["company", "-version"], name="policy_change_newest")]

    def __str__(self) -> str:
        return f"policy v{self.version} of {self.company_id}"
