"""Screenshots end to end: the real agent (`worklens-agent run`) on a virtual X display captures a
screen showing a solid colour block drawn by a Tk window, holds it for its review window, uploads
it to the real server (`worklens-server serve`) after its time entry, and deletes its own copy only
after the server's ack. The server's stored (Fernet-encrypted) image decodes to that colour."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import AgentProcess, ServerProcess, server_database, wait_until

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "xdotool")),
        reason="Xvfb and xdotool are needed",
    ),
]

GREEN = (0, 200, 0)
TK_BLOCK = (
    "import tkinter as tk; root = tk.Tk(); root.overrideredirect(True); "
    "root.geometry('900x600+200+150'); root.configure(background='#00c800'); "
    "root.after(1, lambda: print('drawn', flush=True)); root.mainloop()"
)

POLICY = """
import json
from django.db import transaction
from worklens_server.companies.models import Company
from worklens_server.policies.services import update_policy
with transaction.atomic():
    policy = update_policy(
        company=Company.objects.get(id="{company_id}"),
        screenshots_per_interval=3, screenshot_interval_seconds=30, screenshot_quality=70,
    )
print(json.dumps({{"version": policy.version}}))
"""

SCREENSHOTS = """
import io, json
from django.core.files.storage import default_storage
from PIL import Image
from worklens_server.tracking.blobs import decrypt_image
from worklens_server.tracking.models import Screenshot
rows = []
for s in Screenshot.objects.exclude(image="").order_by("taken_at"):
    with default_storage.open(s.image) as handle:
        image = Image.open(io.BytesIO(decrypt_image(handle.read()))).convert("RGB")
    green = sum(
        count for count, (r, g, b) in image.getcolors(1 << 24)
        if r < 40 and 170 < g < 230 and b < 40
    )
    rows.append({
        "id": str(s.id), "time_entry_id": str(s.time_entry_id), "slot_id": str(s.slot_id),
        "format": s.image_format, "size": list(image.size), "width": s.width,
        "height": s.height, "green_fraction": green / (image.width * image.height),
    })
print(json.dumps(rows))
"""


@pytest.fixture
def display() -> Iterator[str]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        name = f":{pipe.readline().strip()}"
    block = subprocess.Popen(
        [sys.executable, "-c", TK_BLOCK],
        env={**os.environ, "DISPLAY": name},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert block.stdout is not None
        assert block.stdout.readline().strip() == "drawn"
        yield name
    finally:
        block.terminate()
        block.wait(timeout=10)
        xvfb.terminate()
        xvfb.wait(timeout=10)


def test_captured_screenshot_reaches_the_server_and_shows_the_colour_block(
    tmp_path: Path, display: str
) -> None:
    with server_database(tmp_path / "server") as env:
        server = ServerProcess(env)
        demo = server.migrate_and_seed("--codes", "1", "--slot-seconds", "5")
        server.query(POLICY.format(company_id=demo["company_id"]))
        server.start()
        agent = AgentProcess(
            tmp_path / "agent",
            {"DISPLAY": display, "WORKLENS_SCREENSHOT_HOLD_SECONDS": "2"},
        )
        try:
            agent.cli("enroll", server.url, demo["enrollment_codes"][0])
            agent.cli("start", "--notes", "screenshots")
            agent.start_run()
            moves = itertools.count()

            def stored_while_in_use() -> bool:
                # Someone at the computer: an image taken after the last input could still turn
                # out to be idle time, and waits (like its record) until input follows it.
                subprocess.run(
                    ["xdotool", "mousemove", str(10 + next(moves) % 2), "10"],
                    env={**os.environ, "DISPLAY": display},
                    check=True,
                    timeout=30,
                )
                return len(server.query(SCREENSHOTS)) >= 1

            wait_until(
                stored_while_in_use,
                timeout=60,
                what="a screenshot image stored on the server",
            )
            agent.cli("stop")
            wait_until(
                lambda: (
                    agent.status()["pending_items"] == 0
                    and not list((agent.home / "screenshots").iterdir())
                ),
                timeout=60,
                what="the outbox and the screenshot files to drain",
            )
            agent.kill_run(signal.SIGTERM)
            held = server.query(SCREENSHOTS)
        finally:
            if agent.runner is not None:
                agent.kill_run(signal.SIGKILL)
            server.stop()

    with sqlite3.connect(agent.home / "agent.sqlite3") as conn:
        (entry_id,) = conn.execute("SELECT id FROM items WHERE kind = 'time_entry'").fetchone()
    assert held, "no screenshot on the server"
    for shot in held:
        assert shot["format"] == "WEBP"
        assert shot["size"] == [1920, 1080] == [shot["width"], shot["height"]]
        # The Tk block is 900x600 of a 1920x1080 screen: about 26 % of the pixels.
        assert 0.24 < shot["green_fraction"] < 0.28, shot
        assert shot["slot_id"] != "None"
        assert shot["time_entry_id"] == entry_id
