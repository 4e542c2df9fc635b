"""Projects and their tasks: what time is tracked on, who may track on it, its budget and its
billable rate.

A member may use a project (see it in the agent, start an entry on it) when it is open to
everyone in the company or they are assigned to it. Archiving keeps a project and its time but
closes it for new entries. Rates are per hour in the company's currency (`Company.currency`).
"""

from __future__ import annotations

import uuid

from django.db import models

from worklens_server.companies.models import Company, Member


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    is_archived = models.BooleanField(default=False)
    #: Every member of the company may use it, assigned or not.
    everyone = models.BooleanField(default=False)
    #: Hours the project may take; None: no budget.
    budget_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    #: Billable amount per tracked hour; None: not billed (a member's own rate still applies).
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    #: Who created it: a manager keeps managing a project they created before anyone is on it.
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="project_name_unique_per_company"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=200)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="task_name_unique_per_project")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A member assigned to a project, with their own hourly rate for it when they bill at
    another rate than the project's."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="project_assignments")
    #: Overrides the project's rate for this member's time; None: the project's rate.
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "member"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.project}"
