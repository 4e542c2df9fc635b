"""Forms for a company's details; the checks themselves live in companies.details."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from worklens_server.companies.countries import country_choices
from worklens_server.companies.currencies import currency_choices
from worklens_server.companies.details import check_company_details
from worklens_server.companies.models import FirstWeekday
from worklens_server.companies.timezones import timezone_choices

_DETAIL_FIELDS = ("name", "address", "phone", "country", "vat_number")


class CompanyDetailsForm(forms.Form):
    name = forms.CharField(label="Company name", max_length=200)
    address = forms.CharField(
        label="Postal address", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    phone = forms.CharField(label="Phone", max_length=40)
    country = forms.ChoiceField(label="Country", choices=country_choices)
    vat_number = forms.CharField(
        label="VAT number",
        max_length=40,
        required=False,
        help_text="Required in the EU (checked for the chosen country); optional elsewhere.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            details = check_company_details(**{f: cleaned.get(f, "") for f in _DETAIL_FIELDS})
        except ValidationError as error:
            # All problems at once, but a field's own error (e.g. "required") is not repeated.
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages)
            return cleaned
        cleaned["vat_number"] = details.vat_number
        return cleaned

    def details(self) -> dict[str, str]:
        return {field: str(self.cleaned_data[field]) for field in _DETAIL_FIELDS}


class CompanySettingsForm(CompanyDetailsForm):
    require_manager_2fa = forms.BooleanField(
        label="Require two-factor authentication for the owner and all managers",
        required=False,
        help_text=(
            "Anyone who can see other people's data is sent to set up an authenticator app "
            "before any dashboard page opens."
        ),
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=timezone_choices,
        help_text="The company's days in reports and timesheets, for people who have not chosen "
        "their own on My account.",
    )
    week_starts_on = forms.TypedChoiceField(
        label="Timesheet weeks start on",
        choices=FirstWeekday.choices,
        coerce=int,
        help_text="Week pages, weekly approval, the weekly summary and exports of a week. "
        "Weeks submitted before a change keep their days, and approved ones stay locked.",
    )
    currency = forms.ChoiceField(
        label="Currency",
        choices=[("", "The country's currency"), *currency_choices()],
        required=False,
        help_text="Of billable rates and of the amounts tracked time comes to (ISO 4217).",
    )
