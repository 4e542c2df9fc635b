"""`worklens-server send_weekly_summaries`: each company's last whole week (of its own first
weekday) to the owners and managers who opted in. Run it from cron once a week; on Monday
morning every company's last week has ended, whichever day its weeks start (docs/operating.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from worklens_server.timesheets.services import send_weekly_summaries


class Command(BaseCommand):
    help = "Queue the weekly summary e-mail for every owner and manager who opted in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--week",
            metavar="YYYY-MM-DD",
            help="any day of the week to summarise, in each company's weeks "
            "(default: each company's last whole week, in its zone)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["week"]:
            try:
                day = dt.date.fromisoformat(options["week"])
            except ValueError as error:
                raise CommandError(f"--week: {options['week']!r} is not YYYY-MM-DD") from error
        queued = send_weekly_summaries(week_of_day=day)
        self.stdout.write(f"queued {queued} weekly summaries")
