"""The real task worker (`worklens-server db_worker`) delivers queued e-mail to a real SMTP
server, and delivers it on a later attempt when the server refuses at first."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import WorkerProcess, run_checked, server_database
from tests.smtp_sink import SmtpSink, text_body

SEND = (
    "from worklens_server.notifications.services import send_email; "
    "send_email(to='worker@example.com', template='announcement', "
    "context={'subject': 'From the worker', 'text': 'Delivered by db_worker.'})"
)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def worker_env(tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[dict[str, str]]:
    with server_database(tmp_path / "server") as env:
        env = env | {
            "EMAIL_HOST": smtp_sink.host,
            "EMAIL_PORT": str(smtp_sink.port),
            "WORKLENS_EMAIL_RETRY_SECONDS": "1",
        }
        worker = WorkerProcess(env)
        run_checked("worklens-server", ("migrate", "--no-input"), worker.env, timeout=180)
        worker.start()
        try:
            yield worker.env
        finally:
            worker.stop()


def test_worker_delivers_queued_mail(smtp_sink: SmtpSink, worker_env: dict[str, str]) -> None:
    run_checked("worklens-server", ("shell", "-c", SEND), worker_env, timeout=60)

    [message] = smtp_sink.wait_for("worker@example.com", timeout=60)
    assert message["Subject"] == "From the worker"
    assert "Delivered by db_worker." in text_body(message)


def test_worker_retries_until_the_smtp_server_accepts(
    smtp_sink: SmtpSink, worker_env: dict[str, str]
) -> None:
    smtp_sink.refuse_first = 2
    queued_at = time.monotonic()
    run_checked("worklens-server", ("shell", "-c", SEND), worker_env, timeout=60)

    [message] = smtp_sink.wait_for("worker@example.com", timeout=90)
    assert smtp_sink.refused == 2
    assert message["Subject"] == "From the worker"
    # Backoff: 1 s after the first refusal, 2 s after the second.
    assert time.monotonic() - queued_at >= 3
