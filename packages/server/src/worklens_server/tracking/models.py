"""What agents upload. Primary keys are the client-generated UUIDv7 ids, so a retried upload
hits the primary key and is stored once: idempotency by constraint, never by reading first."""

from __future__ import annotations

from django.db import models

from worklens_server.companies.models import Company, Member
from worklens_server.devices.models import Device
from worklens_server.projects.models import Project, Task


class TimeEntry(models.Model):
    class Idle(models.TextChoices):
        """Idle time the employee decided on (worklens_wire.v1.TimeEntry.idle). Kept idle time
        is tracked time with its slots, counted like any other; discarded idle time is only its
        start and end, with no slots, so it is counted nowhere and only shown as discarded."""

        NONE = "", "not idle time"
        KEPT = "kept", "idle time kept"
        DISCARDED = "discarded", "idle time discarded"

    id = models.UUIDField(primary_key=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="time_entries")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="time_entries")
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    idle = models.CharField(max_length=9, blank=True, default="", choices=Idle.choices)

    class Meta:
        verbose_name_plural = "time entries"
        indexes = [models.Index(fields=["member", "started_at"], name="timeentry_member_start")]

    def __str__(self) -> str:
        return f"time entry {self.id}"


# Raw item tables keep few indexes: each one costs on every ingest insert. Company and device
# foreign keys are not indexed (reads go through the member index; companies and devices are
# deleted rarely, and then a scan is acceptable). On the two hot tables (slots, app spans) the
# company, member and device columns also carry no database constraint: ingest copies them from
# the authenticated device, and PostgreSQL would otherwise run three foreign-key lookups per row
# at commit. The time entry reference has no database constraint either: a per-row check of it
# was a quarter of PostgreSQL's time per batch. Ingest checks it instead, inside the writing
# transaction (on PostgreSQL with the KEY SHARE lock the constraint would take).
# Django still cascades deletes for all of them (on_delete runs in Python).


class ActivitySlot(models.Model):
    id = models.UUIDField(primary_key=True)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    # Indexed by the (member, time) index below.
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="activity_slots",
        db_index=False,
        db_constraint=False,
    )
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    time_entry = models.ForeignKey(
        TimeEntry, on_delete=models.CASCADE, related_name="slots", db_constraint=False
    )
    started_at = models.DateTimeField()
    length_seconds = models.PositiveIntegerField()
    active_seconds = models.PositiveIntegerField()
    keyboard_events = models.PositiveIntegerField()
    mouse_events = models.PositiveIntegerField()
    #: The agent's flags on input that looked synthetic, with the statistics that triggered them:
    #: a list of worklens_wire.flags.InputFlag as JSON; null when none (or an older agent).
    input_flags = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "started_at"], name="slot_member_start")]

    def __str__(self) -> str:
        return f"slot {self.id}"


class AppSpan(models.Model):
    id = models.UUIDField(primary_key=True)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    # Indexed by the (member, time) index below.
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="app_spans",
        db_index=False,
        db_constraint=False,
    )
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    time_entry = models.ForeignKey(
        TimeEntry, on_delete=models.CASCADE, related_name="app_spans", db_constraint=False
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    app = models.CharField(max_length=255)
    title = models.CharField(max_length=1024, null=True, blank=True)  # noqa: DJ001 (None = not captured)
    url = models.CharField(max_length=2048, null=True, blank=True)  # noqa: DJ001 (None = not captured)

    class Meta:
        # "Current app" of a member is the newest span: this index answers it without a scan.
        indexes = [models.Index(fields=["member", "started_at"], name="appspan_member_start")]

    def __str__(self) -> str:
        return f"{self.app} span {self.id}"


class Screenshot(models.Model):
    id = models.UUIDField(primary_key=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the (member, time) index below.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="screenshots", db_index=False
    )
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+", db_index=False)
    time_entry = models.ForeignKey(TimeEntry, on_delete=models.CASCADE, related_name="screenshots")
    slot_id = models.UUIDField(null=True, blank=True)
    taken_at = models.DateTimeField()
    monitor = models.PositiveSmallIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    blurred = models.BooleanField(default=False)
    skipped_reason = models.CharField(max_length=32, blank=True)
    #: The agent found the screen identical to its previous capture (perceptual hash); null when
    #: it could not tell (first capture, an older agent).
    same_as_previous = models.BooleanField(null=True, blank=True)
    #: Storage name of the Fernet-encrypted image; empty until the image is uploaded.
    image = models.CharField(max_length=255, blank=True)
    image_format = models.CharField(max_length=8, blank=True)
    image_bytes = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "taken_at"], name="screenshot_member_taken")]

    def __str__(self) -> str:
        return f"screenshot {self.id}"


class MemberDayRollup(models.Model):
    """Per member and company-local day totals, maintained in the ingest transaction from the
    slots actually inserted, so dashboards never scan raw slots and duplicates never count."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="day_rollups")
    day = models.DateField()
    tracked_seconds = models.PositiveBigIntegerField(default=0)
    active_seconds = models.PositiveBigIntegerField(default=0)
    keyboard_events = models.PositiveBigIntegerField(default=0)
    mouse_events = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="rollup_unique_member_day")
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.day}"


class EntryDayRollup(models.Model):
    """Per time entry and local day: the tracked and active seconds of its slots on that day,
    kept in the ingest transaction like MemberDayRollup (a slot crossing midnight is shared
    between its days). Timesheets read these, by the entry's project and task, instead of raw
    slots: a member's month is a few dozen rows, not thousands."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Indexed by the (member, day) index below.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="entry_day_rollups", db_index=False
    )
    time_entry = models.ForeignKey(
        TimeEntry, on_delete=models.CASCADE, related_name="day_rollups", db_index=False
    )
    day = models.DateField()
    tracked_seconds = models.PositiveBigIntegerField(default=0)
    active_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["time_entry", "day"], name="entry_rollup_unique_day")
        ]
        indexes = [models.Index(fields=["member", "day"], name="entry_rollup_member_day")]

    def __str__(self) -> str:
        return f"{self.time_entry_id} on {self.day}"
