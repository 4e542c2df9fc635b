"""The agent's allocator settings, in a fresh interpreter each (they are process-wide)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A big buffer freed, then smaller ones: without a fixed threshold glibc serves the smaller ones
# from the heap and keeps their pages when they are freed.
ALLOCATE_AND_FREE = """
import sys
from worklens_agent.desktop.memory import keep_big_buffers_out_of_the_heap
def rss_mb():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
if sys.argv[1] == "fixed":
    keep_big_buffers_out_of_the_heap()
before = rss_mb()
for size_mb in (32, 8, 8):
    buffer = bytearray(b"x") * (size_mb << 20)
    del buffer
print(rss_mb() - before)
"""


def _kept_mb(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", ALLOCATE_AND_FREE, mode],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_capture_sized_buffers_go_back_to_the_system() -> None:
    assert _kept_mb("default") >= 6  # what the setting is for: glibc keeps the pages
    assert _kept_mb("fixed") <= 1
