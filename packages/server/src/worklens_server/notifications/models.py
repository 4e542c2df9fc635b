"""A person's consent to optional e-mail. No row means no consent: optional e-mail is off."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EmailOptIn(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_ins"
    )
    category = models.CharField(max_length=64)
    opted_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="email_opt_in_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} opted in to {self.category}"
