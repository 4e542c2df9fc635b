from __future__ import annotations

from django import forms

from worklens_server.companies.timezones import timezone_choices


class PersonalDetailsForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=200, required=False)
    timezone = forms.ChoiceField(
        label="Your time zone",
        choices=[("", "My company's"), *timezone_choices()],
        required=False,
        help_text="Where your days begin and end in your timesheets and day totals.",
    )


class PasswordConfirmationForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
