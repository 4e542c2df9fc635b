"""Input checks for the members and teams pages (validation only; services do the writes)."""

from __future__ import annotations

from django import forms

from worklens_server.companies.models import Member


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Member.Role.choices)


class TeamNameForm(forms.Form):
    name = forms.CharField(max_length=200, strip=True)


class TeamMemberForm(forms.Form):
    member = forms.UUIDField()
    is_manager = forms.BooleanField(required=False)


class ManagerFlagForm(forms.Form):
    is_manager = forms.BooleanField(required=False)
