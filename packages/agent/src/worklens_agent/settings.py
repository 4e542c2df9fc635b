"""Every setting of the agent, in one place: the keys of its store's `config` table and the
`WORKLENS_*` environment variables it reads.

`Store.get` and `Store.set` take a `Key`, so a key is never a bare string elsewhere; and no other
module of the agent reads a `WORKLENS_*` variable (a test checks both). Environment variables are
read each time they are asked for, not at import, so a test or a wrapper script can set them late.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass


class Key(enum.StrEnum):
    """Keys of the store's `config` table; each value is JSON."""

    # Enrollment (upload/enrollment.py). The token itself is a file of its own, never a value.
    SERVER_URL = "server_url"
    DEVICE_ID = "device_id"
    TOKEN_FILE = "token_file"  # noqa: S105 - the key's name, not a secret
    COMPANY_NAME = "company_name"
    MEMBER_EMAIL = "member_email"
    ENROLLED_AT = "enrolled_at"
    #: Why uploading stopped (the server refused the token); cleared when `run` starts again or
    #: the device is enrolled again.
    UPLOAD_BLOCKED = "upload_blocked"
    #: The last upload attempt: {"at", "ok", "message"}; the tray is red while `ok` is false.
    LAST_UPLOAD = "last_upload"
    #: What the server last said, kept for when it cannot be reached.
    POLICY = "policy"
    POLICY_FETCHED_AT = "policy_fetched_at"
    PROJECTS = "projects"
    #: A newer agent: {"latest_version", "download_url"}; absent when this one is current.
    UPDATE_AVAILABLE = "update_available"
    UPDATE_CHECKED_AT = "update_checked_at"
    #: Which capture sources `run` opened and why others did not, with its pid:
    #: {"reported_at", "pid", "sources"}.
    SOURCES = "sources"
    #: Seconds since the epoch up to which the open entry's time is known not to be idle
    #: (recording/idle.py); absent when no idle source runs.
    IDLE_CLEARED_UNTIL = "idle_cleared_until"
    #: True once the server's answer to a batch said `WorkLens-Accepts: idle-marks`; false when
    #: its latest answer did not (an older server, which refuses the field). Batches built while
    #: it is true carry idle marks and discarded idle stretches (journal/outbox.py).
    SERVER_ACCEPTS_IDLE_MARKS = "server_accepts_idle_marks"
    #: The same for `WorkLens-Accepts: flags`: batches built while it is true carry slots' input
    #: flags and screenshots' same_as_previous; otherwise they are left out (journal/outbox.py).
    SERVER_ACCEPTS_FLAGS = "server_accepts_flags"
    #: Bound in bytes on the screenshot images waiting on the device
    #: (WORKLENS_SCREENSHOT_DISK_LIMIT_BYTES overrides it; 2 GiB when neither is set).
    SCREENSHOT_DISK_LIMIT = "screenshot_disk_limit_bytes"
    #: The cost of the last captures: [{"at", "ms", "cpu_ms", "bytes"}], for bench/ and support.
    SCREENSHOT_TIMINGS = "screenshot_timings"
    #: The project, task and notes last chosen in the tray or window.
    UI_SELECTION = "ui_selection"
    #: Device information and events (upload/device_sync.py).
    DEVICE_INFO_ACKED_HASH = "device_info_acked_hash"
    DEVICE_EVENTS_PENDING = "device_events_pending"
    INSTALLED_EVENT = "installed_event"
    UNINSTALL_EVENT = "uninstall_event"
    #: This agent home's own id, and the random stand-in for an unreadable machine id
    #: (desktop/device.py).
    INSTALLATION_ID = "installation_id"
    MACHINE_ID_FALLBACK = "machine_id_fallback"
    #: The browser extension's pairing (sources/browser_pairing.py).
    BROWSER_PAIRING_TOKEN = "browser_pairing_token"  # noqa: S105 - the key's name, not a secret
    BROWSER_PORT = "browser_port"


@dataclass(frozen=True)
class EnvSetting:
    name: str
    meaning: str

    def raw(self) -> str | None:
        """The variable's value, or None when it is unset or empty."""
        return os.environ.get(self.name) or None


AGENT_HOME = EnvSetting(
    "WORKLENS_AGENT_HOME",
    "The agent's data directory. `--home` takes precedence; without either it is "
    "$XDG_DATA_HOME/worklens-agent (~/.local/share/worklens-agent).",
)
UPLOAD_INTERVAL = EnvSetting(
    "WORKLENS_UPLOAD_INTERVAL",
    "Seconds between the upload rounds of `worklens-agent run` (default 10).",
)
BACKOFF_MAX = EnvSetting(
    "WORKLENS_BACKOFF_MAX",
    "Longest wait in seconds between retries of a failed upload (default 60).",
)
IDLE_THRESHOLD = EnvSetting(
    "WORKLENS_IDLE_THRESHOLD_SECONDS",
    "Seconds without input after which time is idle, instead of the policy's threshold "
    "(which the contract keeps at 30 s or more; tests use a few seconds).",
)
SCREENSHOT_HOLD = EnvSetting(
    "WORKLENS_SCREENSHOT_HOLD_SECONDS",
    "How long a screenshot waits on the device for the employee's review (default 600).",
)
SCREENSHOT_DISK_LIMIT = EnvSetting(
    "WORKLENS_SCREENSHOT_DISK_LIMIT_BYTES",
    "Bound in bytes on the images waiting for upload; the oldest are dropped beyond it "
    "(default: the store's screenshot_disk_limit_bytes, else 2 GiB).",
)
ENV_SETTINGS = (
    AGENT_HOME,
    UPLOAD_INTERVAL,
    BACKOFF_MAX,
    IDLE_THRESHOLD,
    SCREENSHOT_HOLD,
    SCREENSHOT_DISK_LIMIT,
)

DEFAULT_UPLOAD_INTERVAL_SECONDS = 10.0
DEFAULT_BACKOFF_MAX_SECONDS = 60.0
DEFAULT_SCREENSHOT_HOLD_SECONDS = 600.0
DEFAULT_SCREENSHOT_DISK_LIMIT_BYTES = 2 * 1024**3


def upload_interval_seconds() -> float:
    value = UPLOAD_INTERVAL.raw()
    return float(value) if value else DEFAULT_UPLOAD_INTERVAL_SECONDS


def backoff_max_seconds() -> float:
    value = BACKOFF_MAX.raw()
    return float(value) if value else DEFAULT_BACKOFF_MAX_SECONDS


def idle_threshold_override() -> float | None:
    value = IDLE_THRESHOLD.raw()
    return float(value) if value else None


def screenshot_hold_seconds() -> float:
    value = SCREENSHOT_HOLD.raw()
    return float(value) if value else DEFAULT_SCREENSHOT_HOLD_SECONDS


def screenshot_disk_limit_override() -> int | None:
    value = SCREENSHOT_DISK_LIMIT.raw()
    return int(value) if value else None
