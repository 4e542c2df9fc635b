"""Manual time, trims, decisions and weeks as people put them in: through the timesheet forms
(Django's test client), with times in the company's zone (Europe/Berlin, two hours ahead of UTC in
June). The `week` fixture's tracked time, in local time: Monday 15 June 09:00-09:30 (Website /
Design) and 11:00-11:15 (no project), Tuesday 10:00-10:45 (Website / Design)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from django.test import Client

from worklens_server.companies.models import Member
from worklens_server.timesheets.models import TimeChange
from worklens_server.tracking.models import ActivitySlot, TimeEntry

WEEK_QUERY = "period=week&date=2026-06-15"
BERLIN = dt.timezone(dt.timedelta(hours=2))


def client_of(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def local(text: str) -> dt.datetime:
    """'2026-06-15 08:00' in Berlin summer time, as an aware datetime."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)


def add_time(
    client: Client,
    start: str,
    end: str,
    *,
    reason: str = "forgot to start the timer",
    work: str = "",
    notes: str = "",
    query: str = WEEK_QUERY,
) -> Any:
    """POSTs the "Add time you forgot" form: start and end as '2026-06-15 08:00' (local)."""
    return client.post(
        f"/timesheets/changes/add/?{query}",
        {
            "started_at": start.replace(" ", "T"),
            "ended_at": end.replace(" ", "T"),
            "work": work,
            "notes": notes,
            "reason": reason,
        },
    )


def trim(
    client: Client, entry: TimeEntry | str, start: str, end: str, *, reason: str = "private call"
) -> Any:
    entry_id = entry if isinstance(entry, str) else str(entry.pk)
    return client.post(
        f"/timesheets/changes/trim/?{WEEK_QUERY}",
        {
            "time_entry": entry_id,
            "started_at": start.replace(" ", "T"),
            "ended_at": end.replace(" ", "T"),
            "reason": reason,
        },
    )


def decide(
    client: Client, changes: list[TimeChange], decision: str = "approve", comment: str = ""
) -> Any:
    return client.post(
        "/timesheets/changes/decide/",
        {"change": [str(c.pk) for c in changes], "decision": decision, "comment": comment},
    )


def entry_at(member: Member, start: str) -> TimeEntry:
    return TimeEntry.objects.get(member=member, started_at=local(start))


def raw_tracked(member: Member, day: dt.date | None = None) -> int:
    """The member's tracked seconds straight from the slots (each local day's whole slots: the
    fixtures' slots cross no midnight)."""
    slots = ActivitySlot.objects.filter(member=member)
    total = 0
    for started_at, seconds in slots.values_list("started_at", "length_seconds"):
        if day is None or started_at.astimezone(BERLIN).date() == day:
            total += seconds
    return total


def approved_seconds(member: Member, kind: str) -> int:
    """What the approved changes of `kind` cover, from their rows (the fixtures' changes cover
    tracked time wholly, or none of it)."""
    return sum(
        change.seconds
        for change in TimeChange.objects.filter(
            member=member, kind=kind, status=TimeChange.Status.APPROVED
        )
    )


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def grid(page: str) -> list[list[str]]:
    """The timesheet table's rows, as the text of their cells."""
    table = page.split('<table class="grid timesheet">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)] for r in rows
    ]


def section(page: str, element_id: str) -> str:
    """The text of the page's element with `element_id` (a section)."""
    start = page.index(f'id="{element_id}"')
    return text(page[start : page.index("</section>", start)])


def set_first_weekday(world: Any, weekday: str) -> None:
    """The owner saves the company settings with weeks starting on `weekday` ("0" Monday, "6"
    Sunday, "5" Saturday), the zone and currency as they are (the test company has no address
    yet: the form needs one)."""
    company = world.company
    company.refresh_from_db()
    form = {
        "name": company.name,
        "address": company.address or "1 Main St",
        "phone": company.phone or "+49 30 1234567",
        "country": company.country or "US",
        "vat_number": company.vat_number,
        "currency": company.currency,
        "timezone": company.timezone,
        "week_starts_on": weekday,
    }
    response = client_of(world.owner).post("/company/settings/", form)
    assert response.status_code == 302, response.content.decode()
    company.refresh_from_db()
    assert company.week_starts_on == int(weekday)
