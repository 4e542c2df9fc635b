"""The label form of the labelling page (one per row, sent with htmx)."""

from __future__ import annotations

from django import forms

from worklens_server.insights.models import AppLabel, Productivity


class LabelForm(forms.Form):
    kind = forms.ChoiceField(choices=AppLabel.Kind.choices)
    name = forms.CharField(max_length=2048)
    productivity = forms.ChoiceField(
        choices=[("", "Unlabelled"), *Productivity.choices], required=False
    )
    active_without_input = forms.BooleanField(required=False)
