"""Invitations to join a company by e-mail.

The link carries a random secret signed with the server's key (a tampered or foreign link is
refused before any lookup); the database holds only the secret's SHA-256 hash, so a leaked
database cannot be turned into working links. An invitation is used once and expires.
"""

from __future__ import annotations

import uuid

from django.db import models

from worklens_server.companies.models import Company, Member, Team


class Invitation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Member.Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    #: The membership the invitation became.
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["company", "email"], name="invitation_company_email")]

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.company}"
