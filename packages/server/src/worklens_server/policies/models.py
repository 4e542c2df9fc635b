"""What each company allows the agent to collect (mirrors worklens_wire.v1.Policy)."""

from __future__ import annotations

from django.db import models

from worklens_server.companies.models import Company


def _no_private_apps() -> list[str]:
    return []


class Policy(models.Model):
    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="policy")
    #: Bumped on every change, so agents can tell they hold an old policy.
    version = models.PositiveIntegerField(default=1)
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
    policy_version = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    shown = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "policy_version"], name="policy_ack_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} acknowledged policy v{self.policy_version}"
