"""A real SMTP server (aiosmtpd) in the test process that keeps what it receives, and can refuse
the first messages with a temporary error as a struggling mail server does."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpSink:
    def __init__(self, refuse_first: int = 0) -> None:
        self.refuse_first = refuse_first
        self.refused = 0
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.port = _free_port()
        self.host = "127.0.0.1"
        self._controller = Controller(self, hostname=self.host, port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 4.3.0 Temporary failure, try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
        return "250 OK"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def received_by(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for_subject(self, address: str, text: str, timeout: float = 30) -> EmailMessage:
        """The first message to `address` whose subject contains `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.received_by(address):
                if text in str(message["Subject"]):
                    return message
            time.sleep(0.1)
        raise AssertionError(
            f"no message to {address} with {text!r} in its subject within {timeout} s; "
            f"got {[str(m['Subject']) for m in self.messages]}"
        )

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received_by(address)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(
            f"{count} message(s) to {address} did not arrive within {timeout} s; "
            f"got {[str(m['Subject']) for m in self.messages]}"
        )


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the message has no text/plain part"
    return str(part.get_content())


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "the message has no text/html part"
    return str(part.get_content())
