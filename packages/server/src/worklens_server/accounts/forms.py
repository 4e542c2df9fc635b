"""The sign-up form's own field (allauth adds e-mail and password)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from worklens_server.accounts.models import User


class SignupDetailsForm(forms.Form):
    #: allauth orders the sign-up form by this; the name comes first, as people expect.
    field_order = ["full_name", "email", "password1", "password2"]

    full_name = forms.CharField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": "Jane Doe"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
