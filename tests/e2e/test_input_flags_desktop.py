"""Input flags end to end (issue 11's acceptance for point 5).

Two virtual desktops, each with its own real agent (`worklens-agent run`) enrolled for its own
person at one real server (`worklens-server serve`), side by side for ten minutes:

- on the first, a mouse jiggler: xdotool moves the pointer by one pixel every 30 s exactly
  (on a schedule, so the delays of starting xdotool do not add up), and nothing else;
- on the second, a person-like script: bursts of typing at irregular speeds, mouse paths of
  many small steps, and pauses of irregular length.

The server must then hold the jiggler's slots with a "regular_mouse" flag whose statistics say
what happened (30 s, 1 px), and none of the person's slots flagged although they hold plenty of
input. The jiggler's screen never changes, so its screenshots after the first are marked as the
same screen. Both desktops run in one test, in parallel, so it takes ten minutes, not twenty.
"""

from __future__ import annotations

import random
import shutil
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.desktop import VirtualDesktop, virtual_desktop, xdotool
from tests.e2e.processes import (
    AgentProcess,
    ServerProcess,
    free_port,
    server_database,
    wait_until,
)

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "openbox", "xdotool")),
        reason="Xvfb, openbox and xdotool are needed",
    ),
    # The suite starts the longest tests first (tests/conftest.py): this one waits on real time.
    pytest.mark.timeout(1020),
]

#: Five-minute slots: ten minutes of jiggling fill at least one whole slot (ten moves) whatever
#: the wall clock, and the rule needs at least eight regular events over two minutes.
SLOT = 300
JIGGLE_EVERY = 30.0
RUN_SECONDS = 600
SCREENSHOT_EVERY = 120

POLICY = """
import json
from django.db import transaction
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
with transaction.atomic():
    policy = update_policy(
        company=Company.objects.get(id="{company_id}"),
        slot_seconds={slot}, screenshots_per_interval=1, screenshot_interval_seconds={shots},
    )
print(json.dumps({{"version": policy.version}}))
"""

SERVER_ROWS = """
import json
from worklens_server.tracking.models import ActivitySlot, Screenshot
print(json.dumps({
    "slots": [
        {"device": str(s.device_id), "keyboard": s.keyboard_events, "mouse": s.mouse_events,
         "length": s.length_seconds, "flags": s.input_flags}
        for s in ActivitySlot.objects.order_by("started_at")
    ],
    "shots": [
        {"device": str(s.device_id), "same": s.same_as_previous, "skipped": s.skipped_reason}
        for s in Screenshot.objects.order_by("taken_at")
    ],
}))
"""


def jiggle(desktop: VirtualDesktop, until: float) -> int:
    """One pixel to the right every JIGGLE_EVERY seconds, on a fixed schedule; the moves made."""
    moves = 0
    start = time.monotonic()
    while True:
        moment = start + moves * JIGGLE_EVERY
        if moment >= until:
            return moves
        time.sleep(max(0.0, moment - time.monotonic()))
        xdotool(desktop.display, "mousemove_relative", "--", "1", "0")
        moves += 1


def work_like_a_person(desktop: VirtualDesktop, until: float, seed: int) -> None:
    """Irregular typing bursts and mouse paths, with irregular pauses between them."""
    rng = random.Random(seed)
    x, y = 600, 400
    words = ("report", "numbers", "meeting notes", "draft", "ok", "thanks", "figures for Q3")
    while time.monotonic() < until:
        if rng.random() < 0.6:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
            delay = str(rng.randint(40, 260))
            xdotool(desktop.display, "type", "--delay", delay, text)
        else:
            steps = []
            dx, dy = rng.randint(-300, 300), rng.randint(-200, 200)
            for n in range(1, rng.randint(6, 16)):
                wobble = rng.randint(-6, 6)
                steps += [
                    "mousemove",
                    str(max(0, min(1919, x + dx * n // 15 + wobble))),
                    str(max(0, min(1079, y + dy * n // 15 - wobble))),
                    "sleep",
                    f"{rng.uniform(0.01, 0.05):.3f}",
                ]
            xdotool(desktop.display, *steps)
            x, y = max(0, min(1919, x + dx)), max(0, min(1079, y + dy))
            if rng.random() < 0.4:
                xdotool(desktop.display, "click", "1")
        time.sleep(min(rng.expovariate(1 / 5), 40.0))


def test_a_jiggler_is_flagged_and_a_person_is_not(tmp_path: Path) -> None:
    with (
        server_database(tmp_path / "server") as env,
        virtual_desktop(tmp_path / "bin-jiggler") as jiggler_desktop,
        virtual_desktop(tmp_path / "bin-person") as person_desktop,
    ):
        server = ServerProcess(env)
        demo = server.migrate_and_seed(
            "--codes", "2", "--employees", "2", "--slot-seconds", str(SLOT)
        )
        server.query(
            POLICY.format(company_id=demo["company_id"], slot=SLOT, shots=SCREENSHOT_EVERY)
        )
        server.start()
        agents = {
            name: AgentProcess(
                tmp_path / f"agent-{name}",
                {"DISPLAY": desktop.display, "WORKLENS_SCREENSHOT_HOLD_SECONDS": "0"},
            )
            for name, desktop in (("jiggler", jiggler_desktop), ("person", person_desktop))
        }
        try:
            devices: dict[str, str] = {}
            for (name, agent), code in zip(agents.items(), demo["enrollment_codes"], strict=True):
                agent.cli("enroll", server.url, code)
                # A port of its own for the browser bridge: two agents run here.
                agent.cli("browser", "pair", "--port", str(free_port()))
                agent.start_run()
                devices[name] = agent.status()["device_id"]
            for agent in agents.values():
                _wait_for_sources(agent)
                agent.cli("start", "--notes", "input flags acceptance")
            until = time.monotonic() + RUN_SECONDS
            moves: list[int] = []
            threads = [
                threading.Thread(
                    target=lambda: moves.append(jiggle(jiggler_desktop, until)), daemon=True
                ),
                threading.Thread(
                    target=work_like_a_person, args=(person_desktop, until, 11), daemon=True
                ),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=RUN_SECONDS + 120)
            assert moves == [RUN_SECONDS // int(JIGGLE_EVERY)]
            for agent in agents.values():
                agent.cli("stop")
            for agent in agents.values():
                agent.wait_until_sent(timeout=120)
            rows = server.query(SERVER_ROWS)
        finally:
            for agent in agents.values():
                if agent.runner is not None:
                    agent.kill_run()
            server.stop()

    by_device = {
        name: [s for s in rows["slots"] if s["device"] == id_] for name, id_ in devices.items()
    }
    jiggled, worked = by_device["jiggler"], by_device["person"]
    assert jiggled, rows
    assert worked, rows
    flagged = [s for s in jiggled if s["flags"]]
    # Every slot holding at least one whole slot's worth of regular moves is flagged.
    assert flagged, jiggled
    assert all(s["flags"] for s in jiggled if s["mouse"] >= 9 and s["length"] >= 290), jiggled
    for slot in flagged:
        [flag] = slot["flags"]
        assert flag["kind"] == "regular_mouse"
        assert flag["interval_seconds"] == pytest.approx(JIGGLE_EVERY, abs=0.5)
        assert (flag["distinct_moves"], flag["step_px"]) == (1, 1)
        assert flag["events"] == slot["mouse"]
    # The person: plenty of input in every whole slot, and no flag anywhere.
    assert all(s["flags"] is None for s in worked), worked
    assert sum(s["keyboard"] for s in worked) > RUN_SECONDS // 3
    assert sum(s["mouse"] for s in worked) > RUN_SECONDS // 3
    # The jiggler's screen never changed: after the first capture, the same screen.
    shots = [s["same"] for s in rows["shots"] if s["device"] == devices["jiggler"]]
    assert len(shots) >= 3, shots
    assert shots[0] is None, shots
    assert all(shots[1:]), shots


def _wait_for_sources(agent: AgentProcess) -> None:
    wait_until(
        lambda: agent.status()["sources"]["reported_at"] is not None,
        timeout=60,
        what="the agent to open its capture sources",
    )
