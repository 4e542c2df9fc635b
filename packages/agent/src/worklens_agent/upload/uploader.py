"""Sends the outbox to the server, batch by batch, until it is empty or the server says stop.

Failure handling, by kind:
- network errors, 5xx and 429: retried with exponential backoff and full jitter (the same batch
  id and body each time, so the server stores it once);
- 401: the token was refused (revoked?); uploading stops and `status` says so;
- any other 4xx: the batch is marked rejected with the server's detail (shown in `status`); its
  items are kept, and left out of new batches so the uploader does not loop on them.
Every failure is logged, and the loop goes on.

Screenshot images go up after the batches, one multipart request each, the same way: only once
their review window is over and their time entry has been acknowledged (the server files the
image under that entry), and the local file is deleted only after the server's ack.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
import uuid
from dataclasses import dataclass

import httpx

from worklens_agent.clock import to_text, utcnow
from worklens_agent.journal.enrollment import load_enrollment
from worklens_agent.journal.outbox import DEFAULT_BATCH_ITEMS, Outbox
from worklens_agent.journal.screenshot_files import HeldScreenshot, ScreenshotFiles
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key, backoff_max_seconds
from worklens_agent.upload.client import AgentApi, ApiError
from worklens_wire.flags import ACCEPTS_FLAGS
from worklens_wire.v1 import ACCEPTS_IDLE_MARKS

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 1.0
TOKEN_REJECTED = "device token rejected (revoked?)"  # noqa: S105 - a message


class Outcome(enum.Enum):
    NOTHING_TO_SEND = "nothing to send"
    ACKED = "acked"
    RETRY = "retry"
    REJECTED = "rejected"
    TOKEN_REJECTED = "token rejected"  # noqa: S105 - a state name
    NOT_ENROLLED = "not enrolled"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message: str = ""
    retry_after: float | None = None


class Uploader:
    def __init__(
        self,
        store: Store,
        api: AgentApi | None = None,
        *,
        batch_items: int = DEFAULT_BATCH_ITEMS,
        backoff_base: float = BACKOFF_BASE_SECONDS,
        backoff_max: float | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.outbox = Outbox(store)
        self.screenshots = ScreenshotFiles(store)
        self._api = api
        self.batch_items = batch_items
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max_seconds() if backoff_max is None else backoff_max
        self._rng = rng or random.Random()

    def _client(self) -> AgentApi | None:
        if self._api is None:
            enrollment = load_enrollment(self.store)
            if enrollment is None:
                return None
            self._api = AgentApi.enrolled(enrollment)
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()

    @property
    def blocked(self) -> str | None:
        """Why uploading is stopped (a refused token), or None."""
        value = self.store.get(Key.UPLOAD_BLOCKED)
        return None if value is None else str(value)

    def backoff_delay(self, failures: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**failures)]."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** min(failures, 30)))
        return self._rng.uniform(0.0, ceiling)

    def send_one(self) -> SendResult:
        """Send (or re-send) one batch and record what happened."""
        if self.blocked:
            return SendResult(Outcome.TOKEN_REJECTED, TOKEN_REJECTED)
        enrollment = load_enrollment(self.store)
        api = self._client()
        if enrollment is None or api is None:
            return SendResult(Outcome.NOT_ENROLLED, "not enrolled")
        batch = self.outbox.next_batch(device_id=enrollment.device_id, limit=self.batch_items)
        if batch is None:
            return SendResult(Outcome.NOTHING_TO_SEND)
        try:
            answer = api.post_batch(batch.body)
        except httpx.HTTPError as exc:
            message = f"network error: {type(exc).__name__}: {exc}"
            return self._retryable(batch.batch_id, message, None)
        except ApiError as exc:
            if exc.status_code >= 500 or exc.status_code == 429:
                return self._retryable(batch.batch_id, str(exc), exc.retry_after)
            if exc.status_code == 401:
                self.outbox.mark_attempt(batch.batch_id, str(exc))
                self.store.set(Key.UPLOAD_BLOCKED, TOKEN_REJECTED)
                self._note(False, f"{TOKEN_REJECTED}: {exc.detail}")
                log.error("%s: %s; uploading stopped", TOKEN_REJECTED, exc.detail)
                return SendResult(Outcome.TOKEN_REJECTED, TOKEN_REJECTED)
            self.outbox.mark_rejected(batch.batch_id, exc.detail)
            message = f"batch {batch.batch_id} rejected: {exc}"
            self._note(False, message)
            log.error("%s (its %d items are kept)", message, batch.item_count)
            return SendResult(Outcome.REJECTED, message)
        self.outbox.mark_acked(batch.batch_id)
        ack = answer.ack
        # Every answer says it anew: a server rolled back to an older version stops the marks.
        accepts_marks = ACCEPTS_IDLE_MARKS in answer.accepts
        if self.store.get(Key.SERVER_ACCEPTS_IDLE_MARKS) != accepts_marks:
            self.store.set(Key.SERVER_ACCEPTS_IDLE_MARKS, accepts_marks)
            log.info("server accepts idle marks: %s", accepts_marks)
        accepts_flags = ACCEPTS_FLAGS in answer.accepts
        if self.store.get(Key.SERVER_ACCEPTS_FLAGS) != accepts_flags:
            self.store.set(Key.SERVER_ACCEPTS_FLAGS, accepts_flags)
            log.info("server accepts flags: %s", accepts_flags)
        message = (
            f"batch {batch.batch_id}: {ack.received} items received, {ack.stored} stored, "
            f"{ack.duplicates} duplicates"
        )
        for part in ack.not_stored:  # the server held back what the policy or overlaps rule out
            message += f"; not stored: {part.count} {part.what} ({part.reason})"
            log.warning("server did not store %d %s: %s", part.count, part.what, part.reason)
        self._note(True, message)
        log.info("%s", message)
        return SendResult(Outcome.ACKED, message)

    def send_screenshot(self) -> SendResult:
        """Upload one screenshot image that is due, and record what happened."""
        if self.blocked:
            return SendResult(Outcome.TOKEN_REJECTED, TOKEN_REJECTED)
        api = self._client()
        if api is None:
            return SendResult(Outcome.NOT_ENROLLED, "not enrolled")
        held = self.screenshots.next_upload()
        if held is None:
            return SendResult(Outcome.NOTHING_TO_SEND)
        try:
            image = held.path.read_bytes()
        except FileNotFoundError:
            # The file vanished (removed by hand?): record it as dropped rather than loop on it.
            self.screenshots.enforce_missing(held)
            return SendResult(Outcome.REJECTED, f"screenshot {held.id}: file missing")
        try:
            ack = api.post_screenshot(
                self.screenshots.meta_of(held), image, held.path.name, held.media_type
            )
        except httpx.HTTPError as exc:
            return self._screenshot_retry(held, f"network error: {type(exc).__name__}: {exc}")
        except ApiError as exc:
            if exc.status_code >= 500 or exc.status_code == 429:
                return self._screenshot_retry(held, str(exc), exc.retry_after)
            if exc.status_code == 401:
                self.screenshots.mark_attempt(held, str(exc))
                self.store.set(Key.UPLOAD_BLOCKED, TOKEN_REJECTED)
                self._note(False, f"{TOKEN_REJECTED}: {exc.detail}")
                log.error("%s: %s; uploading stopped", TOKEN_REJECTED, exc.detail)
                return SendResult(Outcome.TOKEN_REJECTED, TOKEN_REJECTED)
            self.screenshots.mark_attempt(held, exc.detail, rejected=True)
            message = f"screenshot {held.id} rejected: {exc}"
            self._note(False, message)
            log.error("%s (the image is kept)", message)
            return SendResult(Outcome.REJECTED, message)
        self.screenshots.mark_uploaded(held)
        message = f"screenshot {ack.id}: {'stored' if ack.stored else 'already stored'}"
        self._note(True, message)
        log.info("%s", message)
        return SendResult(Outcome.ACKED, message)

    def _screenshot_retry(
        self, held: HeldScreenshot, message: str, retry_after: float | None = None
    ) -> SendResult:
        self.screenshots.mark_attempt(held, message)
        self._note(False, message)
        log.warning("screenshot upload failed, will retry %s: %s", held.id, message)
        return SendResult(Outcome.RETRY, message, retry_after)

    def _retryable(
        self, batch_id: uuid.UUID, message: str, retry_after: float | None
    ) -> SendResult:
        self.outbox.mark_attempt(batch_id, message)
        self._note(False, message)
        log.warning("upload failed, will retry batch %s: %s", batch_id, message)
        return SendResult(Outcome.RETRY, message, retry_after)

    def _note(self, ok: bool, message: str) -> None:
        self.store.set(Key.LAST_UPLOAD, {"at": to_text(utcnow()), "ok": ok, "message": message})

    def drain(
        self, stop: threading.Event | None = None, *, max_failures: int | None = None
    ) -> Outcome:
        """Send batches, then screenshot images, until nothing is left to send, the token is
        refused or `stop` is set. Batches always go first: a screenshot waits for its entry.

        Retryable failures wait `backoff_delay` (interruptible by `stop`). `max_failures` bounds
        consecutive retryable failures (for a last attempt at shutdown, or tests).
        """
        stop = stop or threading.Event()
        failures = 0
        while not stop.is_set():
            result = self.send_one()
            if result.outcome is Outcome.NOTHING_TO_SEND:
                result = self.send_screenshot()
            if result.outcome is Outcome.RETRY:
                failures += 1
                if max_failures is not None and failures >= max_failures:
                    return Outcome.RETRY
                delay = self.backoff_delay(failures - 1)
                if result.retry_after is not None:
                    delay = max(delay, min(result.retry_after, self.backoff_max))
                stop.wait(delay)
                continue
            failures = 0
            if result.outcome in (Outcome.ACKED, Outcome.REJECTED):
                continue
            return result.outcome
        return Outcome.RETRY
