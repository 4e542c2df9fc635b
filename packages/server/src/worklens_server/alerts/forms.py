"""The owner's alert settings."""

from __future__ import annotations

from typing import Any

from django import forms

from worklens_server.alerts.models import AlertSettings

WEEKDAYS = [
    ("0", "Mon"),
    ("1", "Tue"),
    ("2", "Wed"),
    ("3", "Thu"),
    ("4", "Fri"),
    ("5", "Sat"),
    ("6", "Sun"),
]


class AlertSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    days = forms.MultipleChoiceField(
        label="Working days",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = AlertSettings
        fields = [
            "work_starts",
            "work_ends",
            "silent_on",
            "silent_minutes",
            "sources_on",
            "not_tracking_on",
            "not_tracking_by",
            "low_activity_on",
            "low_activity_percent",
        ]
        labels = {
            "work_starts": "Working hours start",
            "work_ends": "Working hours end",
            "silent_on": "Alert when an agent is silent during working hours",
            "silent_minutes": "Silent for more than (minutes)",
            "sources_on": "Alert when a capture source the policy needs fails on a device",
            "not_tracking_on": "Alert when a member has not tracked on a working day",
            "not_tracking_by": "Not tracking by",
            "low_activity_on": "Alert on low activity over the day so far (after an hour tracked)",
            "low_activity_percent": "Activity below (%)",
        }
        widgets = {
            "work_starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "not_tracking_by": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = list(self.instance.working_days)
        self.fields["silent_minutes"].widget.attrs["min"] = 5
        self.fields["low_activity_percent"].widget.attrs["max"] = 100

    def clean_silent_minutes(self) -> int:
        minutes = int(self.cleaned_data["silent_minutes"])
        if minutes < 5:
            # The agent asks for its policy every 5 minutes: less would alert between two calls.
            raise forms.ValidationError("At least 5 minutes: agents call in every 5 minutes.")
        return minutes

    def clean_low_activity_percent(self) -> int:
        value = int(self.cleaned_data["low_activity_percent"])
        if value > 100:
            raise forms.ValidationError("A percentage of at most 100.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("work_starts"), cleaned.get("work_ends")
        by = cleaned.get("not_tracking_by")
        if starts and ends and starts >= ends:
            self.add_error("work_ends", "Working hours must end after they start.")
        elif starts and ends and by and not starts <= by < ends:
            self.add_error("not_tracking_by", "A time within the working hours.")
        return cleaned

    def values(self) -> dict[str, object]:
        """What the service stores."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["working_days"] = "".join(sorted(self.cleaned_data["days"]))
        return values
