"""Writes for invitations: invite by e-mail, accept (once), cancel."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from worklens_server.accounts.models import User
from worklens_server.accounts.selectors import get_user_by_email
from worklens_server.accounts.services import create_user
from worklens_server.companies.models import Member, Team
from worklens_server.companies.selectors import get_managed_team_ids
from worklens_server.companies.services import PermissionRefused, add_member, add_team_member
from worklens_server.invitations.models import Invitation
from worklens_server.notifications.services import send_email

INVITATION_LIFETIME = dt.timedelta(days=7)
_SIGNING_SALT = "worklens.invitations"


class InvitationRefused(Exception):
    """The invitation cannot be sent or used; the message says why."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_inviter_may(*, actor: Member, role: str, team: Team | None) -> None:
    if team is not None and team.company_id != actor.company_id:
        raise PermissionRefused("that team belongs to another company")
    if role not in Member.Role.values:
        raise InvitationRefused(f"unknown role {role!r}")
    if actor.role == Member.Role.OWNER:
        return
    if actor.role != Member.Role.MANAGER:
        raise PermissionRefused("only owners and managers can invite people")
    if role != Member.Role.EMPLOYEE:
        raise PermissionRefused("a manager can invite employees only")
    if team is None or not get_managed_team_ids(viewer=actor).filter(team_id=team.pk).exists():
        raise PermissionRefused("a manager can invite only into a team they manage")


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    link: str


@transaction.atomic
def invite_member_by(
    *, actor: Member, email: str, role: str, team: Team | None, site_url: str
) -> SentInvitation:
    """Creates the invitation and e-mails its link. Inviting an address again withdraws the
    earlier, unused invitation, so only the newest link works."""
    _check_inviter_may(actor=actor, role=role, team=team)
    address = email.strip().lower()
    if get_user_by_email(email=address) is not None:
        raise InvitationRefused(f"{address} already has a WorkLens account")
    now = timezone.now()
    Invitation.objects.filter(
        company_id=actor.company_id, email=address, accepted_at__isnull=True
    ).update(cancelled_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        company_id=actor.company_id,
        email=address,
        role=role,
        team=team,
        invited_by=actor,
        token_hash=_hash(secret),
        expires_at=now + INVITATION_LIFETIME,
    )
    token = signing.TimestampSigner(salt=_SIGNING_SALT).sign(secret)
    link = site_url.rstrip("/") + reverse("invitations:accept", kwargs={"token": token})
    company = actor.company
    send_email(
        to=address,
        template="invitation",
        context={
            "company_name": company.name,
            "inviter_name": actor.user.display_name,
            "role": Member.Role(role).label,
            "team_name": team.name if team else "",
            "link": link,
            "expires_at": invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        },
    )
    return SentInvitation(invitation=invitation, link=link)


def find_invitation_by_token(*, token: str) -> Invitation:
    """The open invitation a link stands for, or InvitationRefused saying what is wrong."""
    signer = signing.TimestampSigner(salt=_SIGNING_SALT)
    try:
        secret = signer.unsign(token, max_age=INVITATION_LIFETIME)
    except signing.SignatureExpired as exc:
        raise InvitationRefused("this invitation link has expired; ask for a new one") from exc
    except signing.BadSignature as exc:
        raise InvitationRefused("this invitation link is not valid") from exc
    invitation = (
        Invitation.objects.select_related("company", "team", "invited_by__user")
        .filter(token_hash=_hash(secret))
        .first()
    )
    if invitation is None:
        raise InvitationRefused("this invitation link is not valid")
    if invitation.accepted_at is not None:
        raise InvitationRefused("this invitation was already used; sign in instead")
    if invitation.cancelled_at is not None:
        raise InvitationRefused("this invitation was withdrawn; ask for a new one")
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused("this invitation link has expired; ask for a new one")
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, password: str, full_name: str = "") -> User:
    """Spends the invitation (a conditional UPDATE: two tabs racing cannot both win) and
    creates the user, with a verified address (the link proved it), and the membership."""
    invitation = find_invitation_by_token(token=token)
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(accepted_at=timezone.now())
    if claimed != 1:
        raise InvitationRefused("this invitation was already used; sign in instead")
    if get_user_by_email(email=invitation.email) is not None:
        raise InvitationRefused(f"{invitation.email} already has a WorkLens account; sign in")
    user = create_user(
        email=invitation.email, password=password, full_name=full_name.strip(), verified=True
    )
    member = add_member(company=invitation.company, user=user, role=invitation.role)
    if invitation.team is not None:
        # Someone invited as a manager into a team comes to manage it.
        is_manager = invitation.role == Member.Role.MANAGER
        add_team_member(team=invitation.team, member=member, is_manager=is_manager)
    Invitation.objects.filter(pk=invitation.pk).update(member=member)
    return user


def cancel_invitation_by(*, actor: Member, invitation: Invitation) -> None:
    _check_inviter_may(actor=actor, role=invitation.role, team=invitation.team)
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
