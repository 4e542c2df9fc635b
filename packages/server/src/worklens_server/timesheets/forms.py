"""Forms of manual time, trims, decisions, weeks and the timesheet settings. Times are entered
in the member's zone (Member.timezone); a local time the clocks skip (the spring-forward hour)
is refused."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from worklens_server.projects.models import Project, Task
from worklens_server.projects.selectors import list_member_projects
from worklens_server.tracking.local_days import zone

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time without a zone; the form places it in the member's zone."""

    widget = DATETIME_LOCAL

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for fmt in LOCAL_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise ValidationError("Enter a date and time such as 2026-06-16 09:30.", code="invalid")


def in_zone(naive: dt.datetime, zone_name: str) -> dt.datetime:
    """`naive` as a moment in the zone; refuses a wall-clock time that does not exist there."""
    tz = zone(zone_name)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValidationError(
            f"{naive:%d %b %Y %H:%M} does not exist in {zone_name}: the clocks skip it."
        )
    return aware


class StretchForm(forms.Form):
    started_at = LocalDateTimeField(label="From")
    ended_at = LocalDateTimeField(label="To")
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why: a reason is required for every change of your time."},
    )

    def __init__(self, *args: Any, zone_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("started_at", "ended_at"):
            if cleaned.get(name) is not None:
                try:
                    cleaned[name] = in_zone(cleaned[name], self.zone_name)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


def _work_choices(member_id: uuid.UUID, company_id: uuid.UUID) -> list[Any]:
    """The projects and tasks the member may track time on, as the agent offers them."""
    choices: list[Any] = [("", "No project")]
    for project in list_member_projects(member_id=member_id, company_id=company_id):
        options = [(f"p:{project.id}", project.name)]
        options += [(f"t:{task.id}", f"{project.name} · {task.name}") for task in project.tasks]
        choices.append((project.name, options))
    return choices


class AddTimeForm(StretchForm):
    work = forms.ChoiceField(label="Project and task", required=False)
    notes = forms.CharField(label="Notes", required=False, max_length=1000)

    field_order = ["started_at", "ended_at", "work", "notes", "reason"]

    def __init__(
        self, *args: Any, member_id: uuid.UUID, company_id: uuid.UUID, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.company_id = company_id
        work = self.fields["work"]
        assert isinstance(work, forms.ChoiceField)
        work.choices = _work_choices(member_id, company_id)

    def project_and_task(self) -> tuple[Project | None, Task | None]:
        """The chosen project and task, looked up in the company (the choices hold only the open
        projects the member may use, so another company's id never gets here)."""
        kind, _, value = str(self.cleaned_data.get("work") or "").partition(":")
        if kind == "t":
            task = Task.objects.select_related("project").get(
                pk=value, project__company_id=self.company_id
            )
            return task.project, task
        if kind == "p":
            return Project.objects.get(pk=value, company_id=self.company_id), None
        return None, None


class TrimForm(StretchForm):
    time_entry = forms.UUIDField(label="Entry")

    field_order = ["time_entry", "started_at", "ended_at", "reason"]


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
    comment = forms.CharField(required=False, max_length=1000)


class WeekSubmitForm(forms.Form):
    week = forms.DateField(label="Any day of the week")
    comment = forms.CharField(required=False, max_length=1000)


class WeekDecisionForm(forms.Form):
    week = forms.UUIDField()
    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject"), ("reopen", "Reopen")]
    )
    comment = forms.CharField(required=False, max_length=1000)


class TimesheetSettingsForm(forms.Form):
    changes_need_approval = forms.BooleanField(
        label="Manual time and edits need a manager's approval",
        required=False,
        help_text=(
            "On: time a member adds or trims counts once an owner or a manager of their team "
            "approves it. Off: it counts at once, marked as manual or edited all the same."
        ),
    )
