"""Receipts of upload batches: a batch id seen once is acknowledged, never stored twice."""

from __future__ import annotations

from django.db import models

from worklens_server.devices.models import Device


class ReceivedBatch(models.Model):
    batch_id = models.UUIDField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField()
    item_count = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "received batches"

    def __str__(self) -> str:
        return f"batch {self.batch_id}"
