"""Deleting a company (cancellation by its owner) or a person's own account, at once.

The e-mail tasks addressed to the people whose accounts go, and to the people a cancelled company
invited who never made an account, are deleted with them (the task queue would otherwise keep
their addresses and the messages' links).

Rows go in one transaction; the screenshot files go right after it commits (a rolled-back
deletion must not leave rows pointing at files that are gone). Each call reports what it
deleted, per model and in files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from worklens_server.accounts.models import User
from worklens_server.companies.models import Company, Member
from worklens_server.invitations.models import Invitation
from worklens_server.notifications.services import forget_email_to
from worklens_server.tracking.blobs import delete_images_after_commit, stored_image_names
from worklens_server.tracking.models import Screenshot


class DeletionRefused(Exception):
    """The deletion cannot go ahead; the message tells the person what to do instead."""


@dataclass
class DeletionReport:
    #: Deleted rows per model label ("tracking.Screenshot": 12, ...).
    rows: Counter[str] = field(default_factory=Counter)
    #: Screenshot files removed from storage (filled once the transaction has committed).
    files: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def add(self, deleted: tuple[int, dict[str, int]]) -> None:
        self.rows.update({label: n for label, n in deleted[1].items() if n})

    def add_files(self, deleted: int) -> None:
        self.files += deleted


def confirm_password(*, user: User, password: str) -> None:
    if not password or not user.check_password(password):
        raise DeletionRefused("The password is not correct. Nothing was deleted.")


def _users_only_in(company: Company) -> list[int]:
    elsewhere = Member.objects.filter(user=OuterRef("pk")).exclude(company=company)
    return list(
        User.objects.filter(memberships__company=company)
        .exclude(Exists(elsewhere))
        .values_list("pk", flat=True)
    )


def _addresses_leaving_with(company: Company, leaving: QuerySet[User]) -> list[str]:
    """The accounts that go, and the people invited who never made an account anywhere: their
    invitation e-mail names the company and carries its link. Someone invited who has an account
    elsewhere keeps their e-mail, which cannot be told apart by company."""
    addresses = set(leaving.values_list("email", flat=True))
    invited = set(Invitation.objects.filter(company=company).values_list("email", flat=True))
    staying = set(
        User.objects.filter(email__in=invited)
        .exclude(pk__in=leaving.values("pk"))
        .values_list("email", flat=True)
    )
    return sorted(addresses | (invited - staying))


def cancel_company(
    *, company: Company, requested_by: Member, on_done: Callable[[], None] | None = None
) -> DeletionReport:
    """Deletes the company with every row that refers to it, the users who belong to no other
    company, and every stored screenshot file of it. `on_done` runs after the commit (the
    confirmation e-mail, for instance)."""
    if requested_by.company_id != company.pk or requested_by.role != Member.Role.OWNER:
        raise DeletionRefused("Only an owner of the company can cancel it.")
    report = DeletionReport()
    company_id = company.pk  # a deleted instance's pk is None
    with transaction.atomic():
        names = stored_image_names(Screenshot.objects.filter(company=company))
        leaving = User.objects.filter(pk__in=_users_only_in(company))
        report.add(forget_email_to(addresses=_addresses_leaving_with(company, leaving)))
        report.add(leaving.delete())
        report.add(company.delete())
        delete_images_after_commit(names, company_ids=[company_id], counted=report.add_files)
        if on_done is not None:
            transaction.on_commit(on_done)
    return report


def _other_members(member: Member) -> Q:
    return Q(company_id=member.company_id) & ~Q(pk=member.pk)


def check_account_deletion(*, user: User) -> list[Company]:
    """The companies that go with the account (those it is the only member of); raises
    DeletionRefused when the user is the last owner of a company that has other members."""
    alone_in: list[Company] = []
    for member in Member.objects.filter(user=user).select_related("company"):
        others = Member.objects.filter(_other_members(member))
        if not others.exists():
            alone_in.append(member.company)
        elif (
            member.role == Member.Role.OWNER and not others.filter(role=Member.Role.OWNER).exists()
        ):
            raise DeletionRefused(
                f"You are the last owner of {member.company.name}, which has other members. "
                "Make another member an owner, or cancel the company, before deleting your "
                "account. Nothing was deleted."
            )
    return alone_in


def delete_own_account(*, user: User) -> DeletionReport:
    """Deletes the user, their memberships and everything collected about them (time entries,
    activity, apps, screenshots and their files, devices), and a company they were the only
    member of. Other members' data and the company's settings stay."""
    report = DeletionReport()
    with transaction.atomic():
        alone_in = check_account_deletion(user=user)
        names = stored_image_names(
            Screenshot.objects.filter(Q(member__user=user) | Q(company__in=alone_in))
        )
        # Before the deletions: a deleted instance's pk is None.
        company_ids = [company.pk for company in alone_in]
        report.add(forget_email_to(addresses=[user.email]))
        report.add(user.delete())
        for company in alone_in:
            report.add(company.delete())
        delete_images_after_commit(names, company_ids=company_ids, counted=report.add_files)
    return report
