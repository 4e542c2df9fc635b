"""Companies and the people and teams inside them (projects and tasks: the projects app).

Public ids are UUIDs: they appear in URLs and in the API, so they must not be guessable or leak
how many companies exist.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class FirstWeekday(models.IntegerChoices):
    """The days a company's timesheet weeks may start on (Python's weekday numbers): Monday as
    ISO 8601 has it, or Sunday or Saturday as many payrolls outside Europe count."""

    MONDAY = 0, "Monday"
    SUNDAY = 6, "Sunday"
    SATURDAY = 5, "Saturday"


class Company(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    #: IANA timezone that defines the company's "day" in reports and rollups, for members who
    #: have not chosen their own (accounts.User.timezone).
    timezone = models.CharField(max_length=64, default="UTC")
    #: The first day of a timesheet week (0 = Monday ... 6 = Sunday): week pages, weekly
    #: approval, the weekly summary and the exports of a week follow it. A week already submitted
    #: keeps the seven days it was submitted with (timesheets.TimesheetWeek.week_start).
    week_starts_on = models.PositiveSmallIntegerField(
        choices=FirstWeekday.choices, default=FirstWeekday.MONDAY
    )
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    #: ISO 3166 alpha-2 code; decides whether a VAT number is required and how it is checked.
    country = models.CharField(max_length=2, blank=True)
    #: Stored compact, with its EU country prefix (e.g. DE136695976); free text outside the EU.
    vat_number = models.CharField(max_length=32, blank=True)
    #: ISO 4217 code of the money amounts (billable rates); from the country when founded.
    currency = models.CharField(max_length=3, default="EUR")
    #: Managers (and the owner) must use two-factor authentication before any dashboard page.
    require_manager_2fa = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"
        EMPLOYEE = "employee", "Employee"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="member_unique_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) at {self.company}"

    @property
    def timezone(self) -> str:
        """The zone of this member's days: their own, else the company's."""
        return self.user.timezone or self.company.timezone


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="team_name_unique_per_company")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="team_memberships")
    #: A manager of a team sees its members' data in reports.
    is_manager = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "member"], name="team_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.team}"
