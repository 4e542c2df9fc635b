"""Two weeks of history for the demo company, written through the real services: a device
enrolled per person (devices), each working day uploaded as an agent uploads it (ingest's
`store_batch` with wire batches, then `store_screenshot` per image, so images are checked,
encrypted and stored like real ones), forgotten time and trims asked for through the timesheets
services, decided by each person's approver, and weeks submitted and approved.

Idempotent and incremental: a day is made only for a person with no tracked time on it yet (a
rerun adds nothing; a demo started again a week later adds the days since, and the live agent's
days are left as they are). The weeks follow the same rule by their state: the last complete
week ends submitted (by most people, about half of its changes approved), the week before it
approved (every change decided first), and later changes wait for approval.

Slots have the policy's length (`seed_demo --slot-seconds`, 60 s by default), as a real agent's
would: ingest stores a slot of any length up to MAX_SLOT_SECONDS without comparing it with the
policy, so longer slots would be accepted, and fewer rows would be quicker, but they would
describe an agent that does not exist. They are not what costs time: measured on SQLite, the
batches (slots and spans) take about a sixth of the history's time, the screenshots (drawing,
then `store_screenshot`'s checks, encryption and file) about three quarters.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from worklens_server.companies.models import Member
from worklens_server.devices.selectors import AuthenticatedDevice, list_member_devices
from worklens_server.devices.services import (
    enroll_device,
    issue_enrollment_code,
    mark_device_seen,
)
from worklens_server.ingest.services.batches import store_batch
from worklens_server.ingest.services.screenshots import store_screenshot
from worklens_server.operations.demo_cast import Person
from worklens_server.operations.demo_days import Day, TaskIds, client_id, plan_day
from worklens_server.operations.demo_screens import draw_screenshot
from worklens_server.policies.selectors import get_effective_policy
from worklens_server.projects.models import Task
from worklens_server.reports.selectors import company_today
from worklens_server.timesheets.models import TimeChange, TimesheetWeek
from worklens_server.timesheets.periods import local_bounds, week_of
from worklens_server.timesheets.selectors.changes import list_changes
from worklens_server.timesheets.selectors.weeks import get_week
from worklens_server.timesheets.services.changes import (
    decide_changes,
    request_added_time,
    request_trim,
)
from worklens_server.timesheets.services.errors import TimesheetRefused
from worklens_server.timesheets.services.notices import approvers_of
from worklens_server.timesheets.services.weeks import decide_week, submit_week
from worklens_server.tracking.models import MemberDayRollup, TimeEntry
from worklens_wire.v1 import MAX_BATCH_ITEMS, DeviceInfo, UploadBatch

#: What the demo agents report as their version (any version the server accepts will do).
AGENT_VERSION = "0.1.0"
#: Reasons people give for their changes.
FORGOT_REASON = "Forgot to start the timer before the call."
TRIM_REASON = "Private errand; the timer kept running."


@dataclass
class Made:
    """What one run added: person-days uploaded, changes asked for, weeks moved on."""

    days: int = 0
    changes: int = 0
    weeks: int = 0


def working_days(*, today: dt.date, days: int) -> list[dt.date]:
    """Monday to Friday of the `days` days before `today`, oldest first."""
    first = today - dt.timedelta(days=days)
    every = (first + dt.timedelta(days=n) for n in range(days))
    return [day for day in every if day.weekday() < 5]


def _device_info(person: Person, zone_name: str) -> DeviceInfo:
    seed = zlib.crc32(person.email.encode())
    return DeviceInfo(
        installation_id=uuid.UUID(int=random.Random(seed).getrandbits(128), version=4),
        hostname=person.hostname,
        os_name=person.os_name,
        machine_id_hash=f"{seed:064x}",
        timezone=zone_name,
        agent_version=AGENT_VERSION,
    )


def _device(member: Member, person: Person) -> AuthenticatedDevice:
    """The person's demo computer, enrolled with a one-time code the first time."""
    info = _device_info(person, member.timezone)
    devices = list_member_devices(member_id=member.pk, company_id=member.company_id)
    device = next((d for d in devices if d.installation_id == info.installation_id), None)
    if device is None:
        code = issue_enrollment_code(member=member)
        device = enroll_device(code=code, info=info).device
    # What the token's lookup would find (devices.selectors.find_device_by_token).
    return AuthenticatedDevice(
        device.id, member.company_id, member.pk, member.timezone, device.revoked_at
    )


def _task_ids(member: Member) -> TaskIds:
    tasks = Task.objects.filter(project__company_id=member.company_id).select_related("project")
    return {(t.project.name, t.name): (t.project_id, t.pk) for t in tasks}


def _batches(device: AuthenticatedDevice, day: Day) -> Iterator[UploadBatch]:
    """The day as the uploader sends it: time entries first, then the items, at most
    MAX_BATCH_ITEMS a batch; ids drawn from the day itself, so a day sent twice is one day."""
    rng = random.Random(f"{device.member_id}/{day.day}/batches")
    parts: dict[str, list[Any]] = {"time_entries": [*day.entries, *day.discarded]}
    room = MAX_BATCH_ITEMS - len(parts["time_entries"])
    kinds = (
        ("slots", day.slots),
        ("app_spans", day.spans),
        ("screenshots", [shot.record for shot in day.shots]),
    )
    for kind, items in kinds:
        for item in items:
            if room == 0:
                yield _batch(device, day, rng, parts)
                parts, room = {}, MAX_BATCH_ITEMS
            parts.setdefault(kind, []).append(item)
            room -= 1
    yield _batch(device, day, rng, parts)


def _batch(
    device: AuthenticatedDevice, day: Day, rng: random.Random, parts: dict[str, list[Any]]
) -> UploadBatch:
    return UploadBatch(
        batch_id=client_id(day.sent_at, rng), device_id=device.id, sent_at=day.sent_at, **parts
    )


def _store_day(device: AuthenticatedDevice, day: Day) -> None:
    for batch in _batches(device, day):
        store_batch(device=device, batch=batch)
    for shot in day.shots:
        image = draw_screenshot(
            window=shot.window,
            local_time=shot.local_time,
            width=shot.record.width,
            height=shot.record.height,
            seed=shot.record.id.int,
            blurred=shot.record.blurred,
        )
        store_screenshot(device=device, record=shot.record, image=image)


def _ask_for_changes(member: Member, day: Day, tasks: TaskIds) -> int:
    """The changes the person asks for about `day`; one the rules refuse (time the live agent
    tracked since, a week approved meanwhile) is left out, as the person would drop it."""
    asked = 0
    if day.forgotten is not None:
        work = day.forgotten.work
        project_id, task_id = tasks[work.project, work.task]
        task = Task.objects.select_related("project").get(pk=task_id, project_id=project_id)
        try:
            request_added_time(
                member=member,
                started_at=day.forgotten.started_at,
                ended_at=day.forgotten.ended_at,
                reason=FORGOT_REASON,
                project=task.project,
                task=task,
                notes=work.notes,
            )
            asked += 1
        except TimesheetRefused:
            pass
    if day.trim is not None:
        entry_id, start, end = day.trim
        try:
            request_trim(
                member=member,
                entry=TimeEntry.objects.get(pk=entry_id),
                started_at=start,
                ended_at=end,
                reason=TRIM_REASON,
            )
            asked += 1
        except TimesheetRefused:
            pass
    return asked


def _pending(member: Member, monday: dt.date) -> list[TimeChange]:
    first, after = local_bounds(monday, monday + dt.timedelta(days=6), member.timezone)
    changes = list_changes(member=member, first=first, after=after)
    return [c for c in changes if c.status == TimeChange.Status.PENDING]


def _move_weeks(member: Member, today: dt.date, first_day: dt.date) -> int:
    """The newest complete working week submitted (unless this person is late, one in five)
    with about half of its changes approved; the week before approved, every change decided.
    Only weeks that hold days of the history, and only steps not taken yet."""
    approver = approvers_of(member)[0]
    # The demo company keeps the default Monday weeks, so a week's working days are its first five.
    current = week_of(today, starts_on=member.company.week_starts_on).start
    submitted = current if today.weekday() >= 5 else current - dt.timedelta(days=7)
    approved = submitted - dt.timedelta(days=7)
    rng = random.Random(f"{member.user.email}/{submitted}")
    moved = 0
    if approved + dt.timedelta(days=4) >= first_day:
        week = get_week(member=member, week_start=approved)
        if week is None or week.status not in (
            TimesheetWeek.Status.SUBMITTED,
            TimesheetWeek.Status.APPROVED,
        ):
            week = submit_week(member=member, day=approved)
            moved += 1
        if week.status == TimesheetWeek.Status.SUBMITTED:
            pending = _pending(member, approved)
            if pending:
                decide_changes(changes=pending, by=approver, approve=True)
            decide_week(week=week, by=approver, approve=True, comment="Thanks!")
            moved += 1
    late = rng.random() < 0.2
    if (
        submitted + dt.timedelta(days=4) >= first_day
        and not late
        and get_week(member=member, week_start=submitted) is None
    ):
        submit_week(member=member, day=submitted, comment="All done for the week.")
        moved += 1
        decided = [c for c in _pending(member, submitted) if rng.random() < 0.5]
        if decided:
            decide_changes(changes=decided, by=approver, approve=True)
    return moved


def make_history(*, people: list[tuple[Person, Member]], days: int) -> Made:
    """`days` days of history (up to yesterday) for `people`, each with their member."""
    made = Made()
    for person, member in people:
        today = company_today(timezone_name=member.timezone)
        wanted = working_days(today=today, days=days)
        present = set(
            MemberDayRollup.objects.filter(member=member, day__in=wanted).values_list(
                "day", flat=True
            )
        )
        missing = [day for day in wanted if day not in present]
        if missing:
            device = _device(member, person)
            policy = get_effective_policy(member_id=member.pk, company_id=member.company_id)
            tasks = _task_ids(member)
            for day in missing:
                plan = plan_day(
                    person=person, day=day, zone_name=member.timezone, policy=policy, tasks=tasks
                )
                _store_day(device, plan)
                made.changes += _ask_for_changes(member, plan, tasks)
                made.days += 1
            # Ingest notes each upload's arrival; these were the computer's last, that evening.
            mark_device_seen(device_id=device.id, at=plan.sent_at)
        made.weeks += _move_weeks(member, today, today - dt.timedelta(days=days))
    return made
