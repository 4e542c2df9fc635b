"""Fair activity end to end with the real agent on a virtual desktop: a window titled as a video
call is in front through two whole slots without any keyboard or mouse input. Those slots reach
the server with no activity, and count as fairly active only once the company marked the call's
application "active without input"; the slots with input count as they did.

Real parts: Xvfb with openbox and xdotool, Tk windows as separate applications, `worklens-agent
run` tracking against `worklens-server serve` with 30-second slots. The fair activity is read
with the report's own selector in the server's shell, before and after the owner's mark.
"""

from __future__ import annotations

import datetime as dt
import shutil
import signal
from pathlib import Path

import pytest

from tests.e2e.desktop import ColourWindow, virtual_desktop
from tests.e2e.processes import AgentProcess, ServerProcess, server_database, wait_until
from tests.e2e.test_desktop_capture import EDGE, SLOT, Session, now, sleep_until, slot_start, utc

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "openbox", "xdotool")),
        reason="Xvfb, openbox and xdotool are needed",
    ),
    pytest.mark.timeout(600),
]

EDITOR = ColourWindow("alpha-editor", "Notes - Editor", (220, 30, 30))
CALL = ColourWindow("video-call", "Weekly sync - Zoom Meeting", (30, 30, 220))

POLICY = """
import json
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
policy = update_policy(company=Company.objects.get(id="{company_id}"), slot_seconds={slot})
print(json.dumps({{"version": policy.version}}))
"""

#: Per local day of the member around today: tracked, input active and fair active seconds, and
#: the raw slots; with `mark`, the owner first marks the call's application.
FAIR = """
import datetime as dt, json
from worklens_server.companies.models import Member
from worklens_server.insights.selectors.fair import get_fair_activity
from worklens_server.insights.services import set_label
from worklens_server.tracking.models import ActivitySlot
owner = Member.objects.get(company_id="{company_id}", role="owner")
member = Member.objects.get(company_id="{company_id}", user__email="employee@demo.worklens.example")
if {mark}:
    set_label(viewer=owner, team=None, kind="app", name="{app}", productivity="neutral",
              active_without_input=True)
today = dt.date.fromisoformat("{today}")
days = get_fair_activity(member=member, first_day=today - dt.timedelta(days=1),
                         last_day=today + dt.timedelta(days=1))
print(json.dumps({{
    "tracked": sum(d.tracked for d in days.values()),
    "input": sum(d.input_active for d in days.values()),
    "fair": sum(d.fair_active for d in days.values()),
    "slots": [[s.started_at.isoformat(), s.length_seconds, s.active_seconds]
              for s in ActivitySlot.objects.filter(member=member).order_by("started_at")],
}}))
"""


def test_a_call_without_input_counts_active_only_once_the_app_is_marked(tmp_path: Path) -> None:
    with (
        server_database(tmp_path / "server") as env,
        virtual_desktop(tmp_path / "bin") as desktop,
    ):
        for window in (EDITOR, CALL):
            desktop.open_window(window)
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", str(SLOT))
        company = demo["company_id"]
        server.query(POLICY.format(company_id=company, slot=SLOT))
        server.start()
        # An idle threshold well above the quiet stretch: it is a call, not time away.
        agent = AgentProcess(
            tmp_path / "agent",
            {
                "DISPLAY": desktop.display,
                "WORKLENS_IDLE_THRESHOLD_SECONDS": "600",
                "WORKLENS_SCREENSHOT_HOLD_SECONDS": "0",
            },
        )
        session = Session(desktop)
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            agent.start_run()
            wait_until(
                lambda: agent.status()["sources"]["reported_at"] is not None,
                timeout=30,
                what="the agent to open its capture sources",
            )
            session.focus(EDITOR)
            session.burst()
            agent.cli("start", "--notes", "fair activity")
            started = utc(agent.status()["current_entry"]["started_at"])
            first = slot_start(started + dt.timedelta(seconds=SLOT + 3))
            slot = dt.timedelta(seconds=SLOT)
            # A whole slot of typing in the editor, then the call in front, untouched, through
            # the next two whole slots.
            session.busy_until(first + slot - dt.timedelta(seconds=EDGE + 1.5))
            sleep_until(first + slot - dt.timedelta(seconds=2))
            session.focus(CALL)
            sleep_until(first + 3 * slot + dt.timedelta(seconds=EDGE + 0.5))
            session.burst()  # back at the keyboard: the quiet stretch ends, the timer stops
            agent.cli("stop")
            agent.wait_until_sent(timeout=90)
            agent.kill_run(signal.SIGTERM)
            today = now().date().isoformat()
            query = {"company_id": company, "app": CALL.app, "today": today}
            before = server.query(FAIR.format(mark=False, **query))
            after = server.query(FAIR.format(mark=True, **query))
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    quiet = [first + slot, first + 2 * slot]
    slots = {utc(at): (length, active) for at, length, active in before["slots"]}
    assert [slots[at] for at in quiet] == [(SLOT, 0), (SLOT, 0)], before["slots"]
    assert slots[first][1] > 0  # the editor's slot had input
    # Unmarked, the call changes nothing: fair activity is the input's.
    assert before["fair"] == before["input"]
    # Marked, the two quiet slots count whole (and the call's few seconds around them, at most
    # a slot more); the rest is as it was.
    assert (after["tracked"], after["input"]) == (before["tracked"], before["input"])
    gained = after["fair"] - after["input"]
    assert 2 * SLOT <= gained <= 3 * SLOT, (before, after)
    assert after["fair"] <= after["tracked"]
