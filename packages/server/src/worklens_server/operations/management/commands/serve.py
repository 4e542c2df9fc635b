"""`worklens-server serve`: the production web server (gunicorn, threaded WSGI workers).

It replaces this process with gunicorn (exec), so the PID the caller started is the gunicorn
master and a SIGTERM to it stops the server gracefully. It never migrates: the caller does.

Why WSGI threads rather than uvicorn's ASGI workers: every view and middleware here is
synchronous, and Django's ASGI handler runs the sync part of each request in a thread of its own,
so each request opened and closed its own database connection. On SQLite, closing the last
connection checkpoints the WAL. A 500-item batch cost 23-28 ms of server CPU that way and 13.7 ms
on a gthread worker that keeps its connections (docs/architecture.md, "Why the server runs
threaded WSGI workers"). gthread workers still keep agents' connections alive between requests.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = "Run the WorkLens server with gunicorn's threaded workers (does not migrate)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # Two per core, as gunicorn advises: a keep-alive connection stays with the worker that
        # accepted it, and with one worker per core a few busy agents can land on one worker and
        # leave a core idle.
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
        # Requests a worker serves at once: a slow upload holds one thread, not the worker.
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--timeout", type=int, default=60, help="worker timeout in seconds")
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def gunicorn_argv(self, options: dict[str, Any]) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "worklens_server.wsgi:application",
            "--worker-class",
            "gthread",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--bind",
            f"{options['host']}:{options['port']}",
            "--timeout",
            str(options["timeout"]),
            "--graceful-timeout",
            "10",
            "--keep-alive",
            "30",
            "--error-logfile",
            "-",
        ]
        if options["access_log"]:
            argv += ["--access-logfile", "-"]
        return argv

    def handle(self, *args: Any, **options: Any) -> None:
        argv = self.gunicorn_argv(options)
        self.stdout.write(f"serving on http://{options['host']}:{options['port']} ...")
        self.stdout.flush()
        connections.close_all()
        os.execv(sys.executable, argv)  # noqa: S606 (fixed argv, no shell)
