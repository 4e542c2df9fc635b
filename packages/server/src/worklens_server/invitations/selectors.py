"""Reads for invitations."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils import timezone

from worklens_server.companies.models import Member
from worklens_server.companies.selectors import get_managed_team_ids
from worklens_server.invitations.models import Invitation


def _visible_invitations(*, viewer: Member) -> QuerySet[Invitation]:
    """Owners see every invitation of their company, managers the invitations of employees into
    teams they manage (the ones they could have sent), employees none."""
    in_company = Invitation.objects.filter(company_id=viewer.company_id)
    if viewer.role == Member.Role.OWNER:
        return in_company
    if viewer.role == Member.Role.MANAGER:
        return in_company.filter(
            team_id__in=get_managed_team_ids(viewer=viewer), role=Member.Role.EMPLOYEE
        )
    return Invitation.objects.none()


def list_pending_invitations(*, viewer: Member) -> list[Invitation]:
    return list(
        _visible_invitations(viewer=viewer)
        .filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("team", "invited_by__user")
        .order_by("-created_at")
    )


def get_visible_pending_invitation(
    *, viewer: Member, invitation_id: uuid.UUID
) -> Invitation | None:
    return (
        _visible_invitations(viewer=viewer)
        .filter(pk=invitation_id, accepted_at__isnull=True, cancelled_at__isnull=True)
        .first()
    )
