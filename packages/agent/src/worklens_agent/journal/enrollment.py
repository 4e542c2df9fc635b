"""What enrolling leaves in the store: the server URL, the device id and the token file.

The device token is a credential, so it lives in its own file, mode 0600, in the agent home;
the database only records where that file is.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from worklens_agent.clock import to_text, utcnow
from worklens_agent.journal.store import Store, delete_in, set_in
from worklens_agent.settings import Key
from worklens_wire.v1 import EnrollResponse

TOKEN_FILE = "device-token"  # noqa: S105 - a file name, not a secret


@dataclass(frozen=True)
class Enrollment:
    server_url: str
    device_id: uuid.UUID
    token_file: Path
    company_name: str
    member_email: str

    def token(self) -> str:
        return self.token_file.read_text().strip()


def write_token(home: Path, token: str) -> Path:
    path = home / TOKEN_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def save_enrollment(store: Store, server_url: str, response: EnrollResponse) -> Enrollment:
    token_file = write_token(store.home, response.token)
    with store.transaction() as conn:
        set_in(conn, Key.SERVER_URL, server_url.rstrip("/"))
        set_in(conn, Key.DEVICE_ID, str(response.device_id))
        set_in(conn, Key.TOKEN_FILE, str(token_file))
        set_in(conn, Key.COMPANY_NAME, response.company_name)
        set_in(conn, Key.MEMBER_EMAIL, response.member_email)
        set_in(conn, Key.ENROLLED_AT, to_text(utcnow()))
        # A new token: whatever the old one was refused for no longer applies.
        delete_in(conn, Key.UPLOAD_BLOCKED, Key.PROJECTS)
    enrollment = load_enrollment(store)
    assert enrollment is not None
    return enrollment


def load_enrollment(store: Store) -> Enrollment | None:
    url, device_id, token_file = (
        store.get(Key.SERVER_URL),
        store.get(Key.DEVICE_ID),
        store.get(Key.TOKEN_FILE),
    )
    if not (url and device_id and token_file):
        return None
    return Enrollment(
        server_url=url,
        device_id=uuid.UUID(device_id),
        token_file=Path(token_file),
        company_name=store.get(Key.COMPANY_NAME, ""),
        member_email=store.get(Key.MEMBER_EMAIL, ""),
    )
