"""Everything WorkLens holds about a person, as one zip: `data.json` plus their screenshots,
decrypted, under `screenshots/`. Written to a file the caller provides, so a long history
never has to fit in memory at once."""

from __future__ import annotations

import datetime as dt
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Model, QuerySet

from worklens_server.accounts.models import User
from worklens_server.alerts.models import Alert
from worklens_server.companies.models import Member, TeamMembership
from worklens_server.devices.models import Device
from worklens_server.insights.models import AppDayTotal
from worklens_server.privacy.models import ScreenshotAccess
from worklens_server.timesheets.models import TimeChange, TimesheetWeek
from worklens_server.tracking.blobs import read_image
from worklens_server.tracking.models import (
    ActivitySlot,
    AppSpan,
    MemberDayRollup,
    Screenshot,
    TimeEntry,
)

_EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg", "PNG": "png"}


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date | uuid.UUID):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    raise TypeError(f"cannot export {type(value).__name__}")


def _rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    return list(queryset.values(*fields))


def _member_record(member: Member) -> dict[str, Any]:
    teams = TeamMembership.objects.filter(member=member).select_related("team")
    return {
        "company": member.company.name,
        "role": member.role,
        "member_since": member.created_at,
        "teams": [{"team": t.team.name, "manager": t.is_manager} for t in teams],
        "devices": _rows(
            Device.objects.filter(member=member).order_by("enrolled_at"),
            *(
                "id",
                "enrolled_at",
                "revoked_at",
                "last_seen_at",
                "hostname",
                "hardware_model",
                "os_name",
                "os_version",
                "machine_id_hash",
                "timezone",
                "agent_version",
                "dotnet_versions",
                "sources",
            ),
        ),
        "time_entries": _rows(
            TimeEntry.objects.filter(member=member).order_by("started_at"),
            *("id", "device_id", "started_at", "stopped_at", "project__name", "task__name"),
            # "kept" or "discarded" idle time ("" for none): a discarded stretch is all there is.
            *("notes", "idle"),
        ),
        "activity_slots": _rows(
            ActivitySlot.objects.filter(member=member).order_by("started_at"),
            *("id", "time_entry_id", "started_at", "length_seconds", "active_seconds"),
            *("keyboard_events", "mouse_events"),
        ),
        "app_spans": _rows(
            AppSpan.objects.filter(member=member).order_by("started_at"),
            *("id", "time_entry_id", "started_at", "ended_at", "app", "title", "url"),
        ),
        "day_totals": _rows(
            MemberDayRollup.objects.filter(member=member).order_by("day"),
            *("day", "tracked_seconds", "active_seconds", "keyboard_events", "mouse_events"),
        ),
        # What their managers were alerted about (alerts app), all of it, not only 90 days.
        "alerts": _rows(
            Alert.objects.filter(member=member).order_by("opened_at"),
            *("kind", "device_id", "detail", "opened_at", "closed_at"),
        ),
        "app_day_totals": _rows(
            AppDayTotal.objects.filter(member=member).order_by("day", "app", "domain"),
            *("day", "app", "domain", "seconds"),
        ),
        "time_changes": [
            {
                "id": change.id,
                "kind": change.kind,
                "started_at": change.started_at,
                "ended_at": change.ended_at,
                "time_entry_id": change.time_entry_id,
                "project": change.project.name if change.project else None,
                "task": change.task.name if change.task else None,
                "notes": change.notes,
                "reason": change.reason,
                "status": change.status,
                "requested_at": change.requested_at,
                "decided_at": change.decided_at,
                "decided_by": _decider(change),
                "decision_comment": change.decision_comment,
            }
            for change in TimeChange.objects.filter(member=member)
            .select_related("project", "task", "decided_by__user")
            .order_by("started_at")
        ],
        "timesheet_weeks": [
            {
                "week_start": week.week_start,
                "status": week.status,
                "steps": [
                    {
                        "action": event.action,
                        "by": event.by.user.display_name if event.by else None,
                        "at": event.at,
                        "comment": event.comment,
                    }
                    for event in week.events.all()
                ],
            }
            for week in TimesheetWeek.objects.filter(member=member)
            .prefetch_related("events__by__user")
            .order_by("week_start")
        ],
        "screenshot_views_by_others": [
            {
                "viewer": access.viewer.user.display_name if access.viewer else None,
                "viewer_role": access.viewer_role,
                "screenshot_id": access.screenshot_id,
                "variant": access.variant,
                "accessed_at": access.accessed_at,
            }
            for access in ScreenshotAccess.objects.filter(subject=member)
            .select_related("viewer__user")
            .order_by("accessed_at")
        ],
    }


def _decider(change: TimeChange) -> str | None:
    """Who decided a change: a name, "the company's rules" when no approval was needed."""
    if change.decided_automatically:
        return "the company's rules (no approval needed)"
    return change.decided_by.user.display_name if change.decided_by else None


def _screenshots(user: User) -> Iterator[Screenshot]:
    yield from Screenshot.objects.filter(member__user=user).order_by("taken_at").iterator()


def _model_fields(instance: Model, *names: str) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def write_personal_export(*, user: User, destination: IO[bytes]) -> None:
    members = Member.objects.filter(user=user).select_related("company").order_by("created_at")
    screenshots: list[dict[str, Any]] = []
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for shot in _screenshots(user):
            record = _model_fields(
                shot, "id", "time_entry_id", "taken_at", "monitor", "width", "height", "blurred"
            ) | {"skipped_reason": shot.skipped_reason or None, "file": None}
            if shot.image:
                extension = _EXTENSIONS.get(shot.image_format, "bin")
                stamp = f"{shot.taken_at:%Y-%m-%dT%H%M%S}"
                record["file"] = f"screenshots/{stamp}_{shot.id}.{extension}"
                # Images are stored compressed already; deflating them again gains nothing.
                archive.writestr(record["file"], read_image(shot.image), zipfile.ZIP_STORED)
            screenshots.append(record)
        document = {
            "exported_at": dt.datetime.now(dt.UTC),
            "account": _model_fields(
                user, "email", "full_name", "timezone", "date_joined", "last_login"
            ),
            "memberships": [_member_record(member) for member in members],
            "screenshots": screenshots,
        }
        archive.writestr(
            "data.json", json.dumps(document, default=_json_default, indent=2, ensure_ascii=False)
        )
