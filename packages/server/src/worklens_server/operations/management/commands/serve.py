"""`worklens-server serve`: the production web server (gunicorn + uvicorn workers, ASGI).

It replaces this process with gunicorn (exec), so the PID the caller started is the gunicorn
master and a SIGTERM to it stops the server gracefully. It never migrates: the caller does.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = "Run the WorkLens server with gunicorn and uvicorn workers (does not migrate)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # Two per core, as gunicorn advises: a keep-alive connection stays with the worker that
        # accepted it, and with one worker per core a few busy agents can land on one worker and
        # leave a core idle.
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
        parser.add_argument("--timeout", type=int, default=60, help="worker timeout in seconds")
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def gunicorn_argv(self, options: dict[str, Any]) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "worklens_server.asgi:application",
            "--worker-class",
            "worklens_server.operations.workers.DjangoUvicornWorker",
            "--workers",
            str(options["workers"]),
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
