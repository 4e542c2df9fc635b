"""The audit trail of who looked at whose screenshots.

A row is written for every screenshot image served to someone other than the person it shows,
in the same transaction that decides the read, so an image is never served unaudited.
"""

from __future__ import annotations

from django.db import models

from worklens_server.companies.models import Company, Member
from worklens_server.tracking.models import Screenshot


class ScreenshotAccess(models.Model):
    class Variant(models.TextChoices):
        THUMBNAIL = "thumbnail", "Thumbnail"
        FULL = "full", "Full image"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    #: The person the screenshot shows; their rows go when their account goes.
    subject = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="screenshot_accesses_about"
    )
    #: Who looked. Kept as None when the viewer's own account is deleted later: the subject
    #: still sees that their screenshot was viewed, by whom no longer exists.
    viewer = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenshot_accesses_made",
    )
    viewer_role = models.CharField(max_length=16, choices=Member.Role.choices)
    screenshot = models.ForeignKey(
        Screenshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    screenshot_taken_at = models.DateTimeField()
    variant = models.CharField(max_length=16, choices=Variant.choices)
    accessed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject", "accessed_at"], name="shotaccess_subject_time"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} viewed screenshot {self.screenshot_id} of {self.subject_id}"
