"""Keeps the agent's resident memory near its idle size between screenshots (glibc only).

A 1920x1080 capture briefly needs about 11 MB: the grabbed pixels (8 MB; see sources/screen.py)
and libwebp's picture (see webp.py); a scaled or blurred one goes through a Pillow image too.
glibc's allocator raises its mmap threshold after such buffers are freed, so the next ones come
from the heap, where freed memory is kept for reuse and the process stays larger for good. A
fixed threshold of 1 MiB keeps big buffers in their own mappings, which go back to the system
when freed; `release_free_memory` hands back what the heap keeps after start-up and after a
capture. Elsewhere (musl, Windows, macOS) both are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 1024 * 1024


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018 - both exist only in glibc
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def keep_big_buffers_out_of_the_heap() -> None:
    libc = _glibc()
    if libc is not None and not libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES):
        log.debug("mallopt(M_MMAP_THRESHOLD) refused")


def release_free_memory() -> None:
    """Collect cycles, then hand the allocator's free pages back: after start-up (imports leave
    several MB of freed compiler and loader memory in the heap) and after each capture."""
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
