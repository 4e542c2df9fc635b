"""Input checks for inviting and for accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import list_teams_managed_by


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Member.Role.choices, initial=Member.Role.EMPLOYEE)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(self, *args: object, teams: list[Team], roles: list[str], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        team_field: forms.ModelChoiceField[Team] = self.fields["team"]  # type: ignore[assignment]
        team_field.queryset = Team.objects.filter(pk__in=[team.pk for team in teams])
        role_field: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        role_field.choices = [(v, label) for v, label in Member.Role.choices if v in roles]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200, required=False, strip=True)
    password1 = forms.CharField(widget=forms.PasswordInput, strip=False, label="Password")
    password2 = forms.CharField(widget=forms.PasswordInput, strip=False, label="Password again")

    def __init__(self, *args: object, email: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "the two passwords differ")
        elif isinstance(first, str):
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


def invite_form_for(viewer: Member, data: object = None) -> InviteForm:
    """The invite form with the choices the viewer has: an owner any role and team, a manager
    employees into the teams they manage."""
    if viewer.role == Member.Role.OWNER:
        roles = [str(role) for role in Member.Role.values]
    else:
        roles = [str(Member.Role.EMPLOYEE)]
    return InviteForm(data, teams=list_teams_managed_by(viewer=viewer), roles=roles)
