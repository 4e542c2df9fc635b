"""How the ingest bench talks: progress and diagnostics go to stderr (stdout carries only the
one JSON line), and `BenchError` stops a run that cannot give a trustworthy number."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    """The benchmark could not produce a trustworthy number; the message says why."""
