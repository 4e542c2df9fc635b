"""Device information sent at enrollment and when it changes. Nothing identifying in clear:
the machine id is hashed with an application-specific prefix (as machine-id(5) recommends)."""

from __future__ import annotations

import hashlib
import os
import platform
import uuid
import zoneinfo
from pathlib import Path

from worklens_agent import __version__
from worklens_agent.store import Store
from worklens_wire.v1 import CaptureSource, DeviceInfo

MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
HARDWARE_MODEL_FILE = Path("/sys/devices/virtual/dmi/id/product_name")
LOCALTIME = Path("/etc/localtime")


def installation_id(store: Store) -> uuid.UUID:
    """A random id made once per installation (one agent home) and kept."""
    value = store.get("installation_id")
    if value is None:
        value = str(uuid.uuid4())
        store.set("installation_id", value)
    return uuid.UUID(value)


def machine_id_hash(store: Store) -> str:
    raw = ""
    for path in MACHINE_ID_FILES:
        try:
            raw = path.read_text().strip()
        except OSError:
            continue
        if raw:
            break
    if not raw:  # no machine id (containers, other OSes): a random one, kept per install
        raw = store.get("machine_id_fallback") or ""
        if not raw:
            raw = uuid.uuid4().hex
            store.set("machine_id_fallback", raw)
    return hashlib.sha256(f"worklens:{raw}".encode()).hexdigest()


def _valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_timezone() -> str:
    """IANA name of the local zone: TZ if set and valid, else /etc/localtime's target, else UTC."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and _valid_zone(env):
        return env
    try:
        target = str(LOCALTIME.resolve()) if LOCALTIME.is_symlink() else ""
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if _valid_zone(name):
            return name
    try:
        name = Path("/etc/timezone").read_text().strip()
    except OSError:
        name = ""
    return name if name and _valid_zone(name) else "UTC"


def _os_version() -> str:
    try:
        release = platform.freedesktop_os_release()
    except OSError:
        release = {}
    pretty = release.get("PRETTY_NAME", "")
    return f"{pretty} (kernel {platform.release()})" if pretty else platform.release()


def _hardware_model() -> str:
    try:
        return HARDWARE_MODEL_FILE.read_text().strip()[:255]
    except OSError:
        return ""


def device_info(store: Store, sources: list[CaptureSource] | None = None) -> DeviceInfo:
    return DeviceInfo(
        installation_id=installation_id(store),
        hostname=platform.node()[:255],
        hardware_model=_hardware_model(),
        os_name=platform.system() or "unknown",
        os_version=_os_version()[:255],
        machine_id_hash=machine_id_hash(store),
        timezone=local_timezone(),
        agent_version=__version__,
        sources=sources or [],
    )
