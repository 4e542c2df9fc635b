"""The dashboard benchmark's company: 1,000 members in teams of 50 with a year of working days of
10-minute slots and app spans, on PostgreSQL, kept between runs.

The people, teams, projects and devices are made with the server's own models (Django, in this
process), so they follow the schema; the four big tables (time entries, slots, app spans and the
day rollups ingest keeps) are streamed in with COPY, each row what ingest would have written for a
working day: 09:00 to 17:00 UTC on weekdays, two time entries (a project before and after lunch),
48 slots and 48 spans a day, and the apps' day totals ingest keeps beside them.

A database made before is used again when its recorded sizes match the ones asked for (the
`bench_dashboard_made` table says what it holds); `--rebuild` makes it again.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
from ingest_log import BenchError, log

SLOT = dt.timedelta(minutes=10)
WORK_STARTS = dt.time(9, 0)
SLOTS_PER_HALF_DAY = 24  # 09:00-13:00 and 13:00-17:00
APPS = ("Code", "Firefox", "Slack", "Terminal", "LibreOffice Calc", "Zoom")
SITES = ("example.com", "docs.example.org", "tracker.example.net", "mail.example.com")
PROJECTS = 10
TASKS_PER_PROJECT = 3


@dataclass(frozen=True)
class Sizes:
    members: int
    team_size: int
    days: int
    last_day: dt.date

    @property
    def label(self) -> str:
        return f"{self.members}/{self.team_size}/{self.days}/{self.last_day}"


@dataclass(frozen=True)
class Company:
    """What the measurements need: who looks, and at whom."""

    owner_email: str
    manager_email: str  # manages the first team
    team_id: str
    member_id: str  # a member of the first team
    slots: int
    app_spans: int


def working_days(last_day: dt.date, count: int) -> list[dt.date]:
    """The `count` weekdays up to and including `last_day`, oldest first."""
    days: list[dt.date] = []
    day = last_day
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


def ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(f'CREATE DATABASE "{name}"')  # a name of ours, not input
            log(f"created PostgreSQL database {name}")


def made_sizes(database_url: str) -> str | None:
    with psycopg.connect(database_url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_dashboard_made (label text NOT NULL)")
        row = conn.execute("SELECT label FROM bench_dashboard_made").fetchone()
        return None if row is None else str(row[0])


def _people(sizes: Sizes) -> dict[str, Any]:
    """People, teams, projects and devices, with the server's models."""
    from worklens_server.accounts.models import User
    from worklens_server.companies.models import Member, Team, TeamMembership
    from worklens_server.companies.services import create_company
    from worklens_server.devices.models import Device
    from worklens_server.projects.models import Project
    from worklens_server.projects.services import create_project

    owner = User.objects.create(email="owner@dashboard.bench", full_name="Bench Owner")
    company = create_company(name="Dashboard bench", owner=owner, timezone="UTC")
    for number in range(PROJECTS):
        tasks = [f"Task {t + 1}" for t in range(TASKS_PER_PROJECT)]
        create_project(
            company=company, name=f"Project {number + 1}", task_names=tasks, everyone=True
        )
    users = User.objects.bulk_create(
        User(email=f"member{n:04d}@dashboard.bench", full_name=f"Member {n:04d}")
        for n in range(sizes.members)
    )
    members = Member.objects.bulk_create(
        Member(
            company=company,
            user=user,
            role=Member.Role.MANAGER if n % sizes.team_size == 0 else Member.Role.EMPLOYEE,
        )
        for n, user in enumerate(users)
    )
    teams = Team.objects.bulk_create(
        Team(company=company, name=f"Team {t + 1:02d}")
        for t in range(-(-sizes.members // sizes.team_size))
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(
            team=teams[n // sizes.team_size], member=member, is_manager=n % sizes.team_size == 0
        )
        for n, member in enumerate(members)
    )
    devices = Device.objects.bulk_create(
        Device(
            company=company,
            member=member,
            token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
            installation_id=uuid.uuid4(),
            os_name="Linux",
            machine_id_hash=uuid.uuid4().hex,
            timezone="UTC",
            agent_version="0.1.0",
        )
        for member in members
    )
    work = [
        (project.id, task.id)
        for project in Project.objects.filter(company=company).prefetch_related("tasks")
        for task in project.tasks.all()
    ]
    return {
        "company_id": company.id,
        "members": [(m.id, d.id) for m, d in zip(members, devices, strict=True)],
        "work": work,
        "owner": owner.email,
        "manager": users[0].email,
        "team": str(teams[0].id),
        "member": str(members[1].id),
    }


def _rows(people: dict[str, Any], days: list[dt.date]) -> Iterator[tuple[str, str]]:
    """(table, COPY text line) for every row of the big tables, member by member."""
    rng = random.Random(7)
    company = people["company_id"].hex
    counter = 0

    def new_id() -> str:
        nonlocal counter
        counter += 1
        return f"{counter:032x}"

    for member_id, device_id in people["members"]:
        member, device = member_id.hex, device_id.hex
        owner = f"{company}\t{member}\t{device}"
        for day in days:
            start = dt.datetime.combine(day, WORK_STARTS, tzinfo=dt.UTC)
            day_tracked = day_active = day_keys = day_mouse = 0
            day_apps: dict[tuple[str, str], int] = {}
            for half in range(2):
                project, task = rng.choice(people["work"])
                entry = new_id()
                begins = start + half * SLOTS_PER_HALF_DAY * SLOT
                ends = begins + SLOTS_PER_HALF_DAY * SLOT
                yield (
                    "tracking_timeentry",
                    f"{entry}\t{company}\t{member}\t{device}\t{begins.isoformat()}\t"
                    f"{ends.isoformat()}\t{project.hex}\t{task.hex}\tbench\n",
                )
                entry_active = 0
                for n in range(SLOTS_PER_HALF_DAY):
                    at = begins + n * SLOT
                    active = rng.randint(120, 600)
                    keys, mouse = active * rng.randint(1, 4), active * rng.randint(1, 8)
                    entry_active += active
                    day_keys += keys
                    day_mouse += mouse
                    yield (
                        "tracking_activityslot",
                        f"{new_id()}\t{owner}\t{entry}\t{at.isoformat()}\t600\t{active}\t"
                        f"{keys}\t{mouse}\n",
                    )
                    app, site = rng.choice(APPS), rng.choice(SITES)
                    day_apps[app, site] = day_apps.get((app, site), 0) + 600
                    yield (
                        "tracking_appspan",
                        f"{new_id()}\t{owner}\t{entry}\t{at.isoformat()}\t"
                        f"{(at + SLOT).isoformat()}\t{app}\t{app}: report {n}\t"
                        f"https://{site}/pages/{n}\n",
                    )
                yield (
                    "tracking_entrydayrollup",
                    f"{company}\t{member}\t{entry}\t{day}\t{SLOTS_PER_HALF_DAY * 600}\t"
                    f"{entry_active}\n",
                )
                day_tracked += SLOTS_PER_HALF_DAY * 600
                day_active += entry_active
            for (app, site), seconds in sorted(day_apps.items()):
                yield (
                    "insights_appdaytotal",
                    f"{company}\t{member}\t{day}\t{app}\t{site}\t{seconds}\n",
                )
            yield (
                "tracking_memberdayrollup",
                f"{company}\t{member}\t{day}\t{day_tracked}\t{day_active}\t{day_keys}\t"
                f"{day_mouse}\n",
            )


COLUMNS = {
    "tracking_timeentry": "id, company_id, member_id, device_id, started_at, stopped_at, "
    "project_id, task_id, notes",
    "tracking_activityslot": "id, company_id, member_id, device_id, time_entry_id, started_at, "
    "length_seconds, active_seconds, keyboard_events, mouse_events",
    "tracking_appspan": "id, company_id, member_id, device_id, time_entry_id, started_at, "
    "ended_at, app, title, url",
    "tracking_entrydayrollup": "company_id, member_id, time_entry_id, day, tracked_seconds, "
    "active_seconds",
    "tracking_memberdayrollup": "company_id, member_id, day, tracked_seconds, active_seconds, "
    "keyboard_events, mouse_events",
    # The apps' day totals ingest keeps (insights.AppDayTotal): every span is within one UTC
    # day and its URL's domain is the site.
    "insights_appdaytotal": "company_id, member_id, day, app, domain, seconds",
}
FLUSH_BYTES = 8 << 20


def _copy(database_url: str, people: dict[str, Any], days: list[dt.date]) -> dict[str, int]:
    """Stream the big tables in as the rows are made: one COPY per table, each on a connection
    of its own (a connection holds one COPY at a time), fed in chunks. They finish and commit
    in COLUMNS' order, time entries first: the rollups' foreign keys to them are checked then."""
    buffers = {table: io.StringIO() for table in COLUMNS}
    counts = dict.fromkeys(COLUMNS, 0)
    connections = {table: psycopg.connect(database_url) for table in COLUMNS}
    try:
        copies = {
            table: connections[table].cursor().copy(f"COPY {table} ({columns}) FROM STDIN")
            for table, columns in COLUMNS.items()
        }
        writers = {table: copy.__enter__() for table, copy in copies.items()}
        for table, line in _rows(people, days):
            buffer = buffers[table]
            buffer.write(line)
            counts[table] += 1
            if buffer.tell() > FLUSH_BYTES:
                writers[table].write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        for table in COLUMNS:
            writers[table].write(buffers[table].getvalue())
            copies[table].__exit__(None, None, None)
            connections[table].commit()
    finally:
        for conn in connections.values():
            conn.close()
    return counts


def build(database_url: str, sizes: Sizes) -> None:
    """Make the company and its year in an empty, migrated database."""
    people = _people(sizes)
    days = working_days(sizes.last_day, sizes.days)
    log(f"copying a year for {sizes.members} members ({len(days)} working days)")
    counts = _copy(database_url, people, days)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_dashboard_made (label text NOT NULL)")
        conn.execute("DELETE FROM bench_dashboard_made")
        conn.execute("INSERT INTO bench_dashboard_made (label) VALUES (%s)", [sizes.label])
    log("copied " + ", ".join(f"{count:,} {table}" for table, count in counts.items()))


def company() -> Company:
    """Who looks at whom, read back (with the server's models) from a database `build` made."""
    from worklens_server.companies.models import TeamMembership
    from worklens_server.tracking.models import ActivitySlot, AppSpan

    lead = (
        TeamMembership.objects.filter(is_manager=True)
        .select_related("team", "member__user")
        .order_by("team__name")
        .first()
    )
    if lead is None:
        raise BenchError("the dashboard database has no team with a manager: --rebuild it")
    member = (
        TeamMembership.objects.filter(team=lead.team, is_manager=False)
        .order_by("member_id")
        .first()
    )
    assert member is not None
    return Company(
        owner_email="owner@dashboard.bench",
        manager_email=lead.member.user.email,
        team_id=str(lead.team_id),
        member_id=str(member.member_id),
        slots=ActivitySlot.objects.count(),
        app_spans=AppSpan.objects.count(),
    )


def django_settings(database_url: str, data_dir: str) -> None:
    """Configure Django in this process for `database_url` (the server's own settings)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["WORKLENS_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "worklens_server.settings"
    import django

    django.setup()
