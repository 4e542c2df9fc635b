"""Input checks for the projects pages (validation only; services do the writes). A manager's
forms have no rate and no "open to everyone": those fields are the owners'."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms

from worklens_server.companies.models import Member
from worklens_server.projects.services import MAX_BUDGET_HOURS, MAX_HOURLY_RATE


def _budget_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="Budget (hours)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_BUDGET_HOURS,
        max_digits=9,
        decimal_places=2,
        help_text="Leave empty for no budget.",
    )


def _rate_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=MAX_HOURLY_RATE,
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
    )


class ProjectForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, strip=True)
    budget_hours = _budget_field()

    def owner_fields(self) -> dict[str, Any]:
        """The rate and "open to everyone", when this form has them (an owner's)."""
        return {
            key: self.cleaned_data[key] for key in ("hourly_rate", "everyone") if key in self.fields
        }


class OwnerProjectForm(ProjectForm):
    hourly_rate = _rate_field(
        "Hourly rate", "Billable amount per tracked hour; leave empty when it is not billed."
    )
    everyone = forms.BooleanField(
        label="Open to everyone in the company",
        required=False,
        help_text="Everyone can track time on it, assigned or not.",
    )


class NewProjectForm(ProjectForm):
    field_order = ("name", "tasks", "budget_hours", "hourly_rate", "everyone")

    tasks = forms.CharField(
        label="Tasks",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line; more can be added later.",
    )

    def task_names(self) -> list[str]:
        return [line for line in self.cleaned_data["tasks"].splitlines() if line.strip()]


class OwnerNewProjectForm(NewProjectForm, OwnerProjectForm):
    pass


def project_form_for(
    viewer: Member,
    data: object = None,
    *,
    new: bool = False,
    initial: Mapping[str, object] | None = None,
) -> ProjectForm:
    """The project form with the fields `viewer` may set."""
    owner = viewer.role == Member.Role.OWNER
    form_class: type[ProjectForm]
    if new:
        form_class = OwnerNewProjectForm if owner else NewProjectForm
    else:
        form_class = OwnerProjectForm if owner else ProjectForm
    return form_class(data, initial=dict(initial or {}))  # type: ignore[arg-type]


class NameForm(forms.Form):
    name = forms.CharField(max_length=200, strip=True)


class AssignForm(forms.Form):
    member = forms.UUIDField()
    hourly_rate = _rate_field("Own rate", "Leave empty for the project's rate.")


class RateForm(forms.Form):
    hourly_rate = _rate_field("Own rate", "Leave empty for the project's rate.")
