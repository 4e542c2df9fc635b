"""Changes a member asks for to their own time, the weeks they submit, and the company's setting
for both.

Tracked time (the agent's slots) is never edited: a change is a row of its own, beside it. An
approved `add` counts as manual time; an approved `trim` takes a stretch of one tracked time
entry out of the count. Timesheets, their files, the weekly summary, Team today and the member
day page count approved changes and mark them; pending ones are shown but not counted.

A week (seven of the member's days, Member.timezone, from the company's first weekday) is
submitted by its member and approved or rejected by a manager of their team or an owner; an
approved week is locked until it is reopened. Each step is a `WeekEvent` (who, when, comment),
so the history survives later steps.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q

from worklens_server.companies.models import Company, Member
from worklens_server.projects.models import Project, Task
from worklens_server.tracking.models import TimeEntry

#: A change covers at most this long: longer forgotten time is asked for in parts, so a range
#: read of changes (by start) knows how far back to look.
MAX_CHANGE = dt.timedelta(hours=24)


class TimesheetSettings(models.Model):
    """The company's timesheet rules; a company without a row has the defaults."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    #: Manual time and edits wait for a manager's approval (on), or count at once (off).
    changes_need_approval = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "timesheet settings"

    def __str__(self) -> str:
        return f"timesheet settings of {self.company_id}"


class TimeChange(models.Model):
    class Kind(models.TextChoices):
        ADD = "add", "Manual time"
        TRIM = "trim", "Trimmed time"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the (company, status) index below.
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    #: Whose time; only they ask for changes of it. Indexed by the (member, start) index.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="time_changes", db_index=False
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    #: The stretch [started_at, ended_at): time added, or the part of the entry taken out.
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    #: A trim's tracked time entry (the member's own).
    time_entry = models.ForeignKey(
        TimeEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: An add's project, task and notes, as the agent records them for tracked time.
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    #: Who approved or refused it (the member, for a withdrawal); None when the company's rules
    #: approved it (`decided_automatically`) or the decider's account was deleted.
    decided_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_automatically = models.BooleanField(default=False)
    decision_comment = models.TextField(blank=True)

    class Meta:
        indexes = [
            # Timesheets read a period's approved changes of many members in one range read.
            models.Index(fields=["member", "started_at"], name="timechange_member_start"),
            # The approvals page lists a company's pending changes.
            models.Index(fields=["company", "status"], name="timechange_company_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")), name="timechange_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind="add") | Q(time_entry__isnull=False),
                name="timechange_trim_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at} to {self.ended_at} of {self.member_id}"

    @property
    def seconds(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds())


class TimesheetWeek(models.Model):
    """A member's week once it was first submitted; its events hold every step."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted, waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REOPENED = "reopened", "Reopened"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Both indexed by the index and the unique constraint below.
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="timesheet_weeks", db_index=False
    )
    #: The week's first day, of the member's days (Member.timezone): the company's first weekday
    #: when it was submitted. The week holds the seven days from it even after the owner changes
    #: Company.week_starts_on, so nothing approved is unlocked or hidden by that change.
    week_start = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "week_start"], name="week_unique_per_member")
        ]
        indexes = [models.Index(fields=["company", "status"], name="week_company_status")]

    def __str__(self) -> str:
        return f"week of {self.week_start} of {self.member_id}: {self.status}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)


class WeekEvent(models.Model):
    """One step of a week: submitted, approved, rejected or reopened, by whom, when, why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REOPENED = "reopened", "Reopened"

    week = models.ForeignKey(TimesheetWeek, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    #: None once that person's account was deleted ("a deleted account").
    by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"
