"""`send_announcement`: optional e-mail reaches exactly the people who opted in."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from server_testkit import World

from tests.smtp_sink import SmtpSink, text_body
from worklens_server.notifications.services import set_email_preferences

pytestmark = pytest.mark.django_db


def test_reaches_only_people_who_opted_in(smtp: SmtpSink, world: World, tmp_path: Path) -> None:
    set_email_preferences(user=world.employee.user, opted_in={"new_features"})
    set_email_preferences(user=world.manager.user, opted_in={"product_news"})
    text = tmp_path / "news.txt"
    text.write_text("Timesheets can now be exported as CSV.")
    out = StringIO()

    call_command(
        "send_announcement",
        "--category=new_features",
        "--subject=CSV export",
        f"--text-file={text}",
        stdout=out,
    )

    assert "queued for 1 people" in out.getvalue()
    [message] = smtp.wait_for(world.employee.user.email)
    assert message["Subject"] == "CSV export"
    assert "Timesheets can now be exported as CSV." in text_body(message)
    assert "/unsubscribe/" in text_body(message)
    assert [m["To"] for m in smtp.messages] == [world.employee.user.email]


def test_refuses_transactional_or_unknown_categories(world: World, tmp_path: Path) -> None:
    text = tmp_path / "news.txt"
    text.write_text("x")
    with pytest.raises(CommandError, match="'transactional' is not an optional category"):
        call_command(
            "send_announcement", "--category=transactional", "--subject=s", f"--text-file={text}"
        )
