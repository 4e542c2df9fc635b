"""`worklens-server send_announcement`: optional e-mail (product news, new features) to everyone
who opted in to its category, each with their own unsubscribe link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from worklens_server.notifications.categories import optional_category_slugs
from worklens_server.notifications.selectors import list_opted_in_users
from worklens_server.notifications.services import send_email


class Command(BaseCommand):
    help = "Queue an announcement to everyone who opted in to an optional e-mail category."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--category", required=True, help="e.g. product_news, new_features")
        parser.add_argument("--subject", required=True)
        parser.add_argument("--text-file", required=True, type=Path, help="the message, plain text")

    def handle(self, *args: Any, **options: Any) -> None:
        category = options["category"]
        if category not in optional_category_slugs():
            known = ", ".join(sorted(optional_category_slugs()))
            raise CommandError(f"{category!r} is not an optional category (known: {known})")
        try:
            text = options["text_file"].read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {options['text_file']}: {error}") from error
        recipients = list_opted_in_users(category=category)
        for user in recipients:
            send_email(
                to=user.email,
                template="announcement",
                context={"subject": options["subject"], "text": text},
                category=category,
                user=user,
            )
        self.stdout.write(f"queued for {len(recipients)} people who opted in to {category}")
