from __future__ import annotations

from django import forms


class PersonalDetailsForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=200, required=False)


class PasswordConfirmationForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
