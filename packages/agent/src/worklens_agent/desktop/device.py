"""Device information sent at enrollment and when it changes. Nothing identifying in clear:
the machine id is hashed with an application-specific prefix (as machine-id(5) recommends)."""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import subprocess
import sys
import uuid
import zoneinfo
from pathlib import Path
from typing import Any

import tzlocal

from worklens_agent import __version__
from worklens_agent.journal.store import Store
from worklens_agent.settings import Key
from worklens_wire.v1 import CaptureSource, DeviceInfo

log = logging.getLogger(__name__)

MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
HARDWARE_MODEL_FILE = Path("/sys/devices/virtual/dmi/id/product_name")


def installation_id(store: Store) -> uuid.UUID:
    """A random id made once per installation (one agent home) and kept."""
    value = store.get(Key.INSTALLATION_ID)
    if value is None:
        value = str(uuid.uuid4())
        store.set(Key.INSTALLATION_ID, value)
    return uuid.UUID(value)


def _os_machine_id() -> str:
    """The OS's own id of this machine: /etc/machine-id, Windows' MachineGuid, the Mac's
    IOPlatformUUID; "" when there is none."""
    if sys.platform == "win32":
        return windows_machine_guid(_winreg())
    if sys.platform == "darwin":
        try:
            done = subprocess.run(
                ["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return mac_platform_uuid(done.stdout)
    for path in MACHINE_ID_FILES:
        try:
            raw = path.read_text().strip()
        except OSError:
            continue
        if raw:
            return raw
    return ""


def mac_platform_uuid(ioreg_output: str) -> str:
    """`"IOPlatformUUID" = "564D...-..."` from `ioreg -rd1 -c IOPlatformExpertDevice`."""
    for line in ioreg_output.splitlines():
        if '"IOPlatformUUID"' in line and "=" in line:
            return line.split("=", 1)[1].strip().strip('"')
    return ""


def machine_id_hash(store: Store) -> str:
    raw = _os_machine_id()
    if not raw:  # no machine id (containers, other OSes): a random one, kept per install
        raw = store.get(Key.MACHINE_ID_FALLBACK) or ""
        if not raw:
            raw = uuid.uuid4().hex
            store.set(Key.MACHINE_ID_FALLBACK, raw)
    return hashlib.sha256(f"worklens:{raw}".encode()).hexdigest()


def _valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_timezone() -> str:
    """IANA name of the local zone (TZ, else the OS's setting: /etc/localtime, the registry on
    Windows, mapped to IANA by tzlocal), or UTC when none can be told."""
    try:
        tzlocal.reload_localzone()  # tzlocal keeps the first answer; a laptop travels
        name = tzlocal.get_localzone_name()
    except (zoneinfo.ZoneInfoNotFoundError, LookupError, OSError, ValueError) as exc:
        log.warning("could not tell the local timezone: %s", exc)
        name = None
    return name if name and _valid_zone(name) else "UTC"


def _os_version() -> str:
    if sys.platform == "win32":
        release, version, _csd, _ptype = platform.win32_ver()
        return f"Windows {release} ({version})"
    if sys.platform == "darwin":
        return f"macOS {platform.mac_ver()[0]}"
    try:
        release = platform.freedesktop_os_release()
    except OSError:
        release = {}
    pretty = release.get("PRETTY_NAME", "")
    return f"{pretty} (kernel {platform.release()})" if pretty else platform.release()


def _hardware_model() -> str:
    if sys.platform == "win32":
        return windows_hardware_model(_winreg())
    if sys.platform == "darwin":  # e.g. "MacBookPro18,3"
        try:
            done = subprocess.run(
                ["sysctl", "-n", "hw.model"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()[:255]
    try:
        return HARDWARE_MODEL_FILE.read_text().strip()[:255]
    except OSError:
        return ""


# --- Windows: the registry (winreg is imported only there; tests pass a stand-in) ------------

NDP_KEY = r"SOFTWARE\Microsoft\NET Framework Setup\NDP"
BIOS_KEY = r"HARDWARE\DESCRIPTION\System\BIOS"
CRYPTOGRAPHY_KEY = r"SOFTWARE\Microsoft\Cryptography"
#: .NET (Core) / .NET 5+ runtimes: one directory per version under each of these.
DOTNET_SHARED_RUNTIMES = ("Microsoft.NETCore.App", "Microsoft.WindowsDesktop.App")


def _winreg() -> Any:
    import winreg  # type: ignore[import-not-found,unused-ignore]

    return winreg


def _subkeys(winreg: Any, key: Any) -> list[str]:
    names = []
    index = 0
    while True:
        try:
            names.append(winreg.EnumKey(key, index))
        except OSError:  # no more subkeys
            return names
        index += 1


def _value(winreg: Any, key: Any, name: str) -> Any:
    try:
        return winreg.QueryValueEx(key, name)[0]
    except OSError:
        return None


def _framework_versions(winreg: Any) -> list[str]:
    """.NET Framework versions from the NDP key: v2.0.50727, v3.5, v4 Full/Client (4.8.x)...
    A version key holds `Version` itself or in its Client/Full profile subkeys."""
    found: list[str] = []
    try:
        ndp = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, NDP_KEY)
    except OSError:
        return found
    with ndp:
        for name in _subkeys(winreg, ndp):
            if not name.startswith("v"):
                continue
            with winreg.OpenKey(ndp, name) as version_key:
                version = _value(winreg, version_key, "Version")
                if version and _value(winreg, version_key, "Install") in (1, None):
                    found.append(f".NET Framework {version}")
                for profile in _subkeys(winreg, version_key):
                    if profile not in ("Full", "Client"):
                        continue
                    with winreg.OpenKey(version_key, profile) as profile_key:
                        version = _value(winreg, profile_key, "Version")
                        if version and _value(winreg, profile_key, "Install") in (1, None):
                            found.append(f".NET Framework {version}")
    return found


def _dotnet_roots() -> list[Path]:
    roots = [os.environ.get("DOTNET_ROOT", "")]
    for variable in ("ProgramFiles", "ProgramFiles(x86)"):
        base = os.environ.get(variable)
        if base:
            roots.append(str(Path(base) / "dotnet"))
    return [Path(root) for root in roots if root]


def _runtime_versions(roots: list[Path]) -> list[str]:
    """.NET (Core) runtimes: `<root>/shared/<runtime>/<version>/` directories."""
    found: list[str] = []
    for root in roots:
        for runtime in DOTNET_SHARED_RUNTIMES:
            try:
                versions = sorted(
                    p.name for p in (root / "shared" / runtime).iterdir() if p.is_dir()
                )
            except OSError:
                continue
            found.extend(f"{runtime} {version}" for version in versions)
    return found


def dotnet_versions(winreg: Any, roots: list[Path]) -> list[str]:
    """Installed .NET Framework and .NET (Core) runtime versions, each once, in a stable order."""
    seen: dict[str, None] = {}
    for version in (*_framework_versions(winreg), *_runtime_versions(roots)):
        seen.setdefault(version[:255], None)
    return list(seen)[:32]


def windows_machine_guid(winreg: Any) -> str:
    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, CRYPTOGRAPHY_KEY) as key:
            return str(_value(winreg, key, "MachineGuid") or "")
    except OSError:
        return ""


def windows_hardware_model(winreg: Any) -> str:
    try:
        bios = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, BIOS_KEY)
    except OSError:
        return ""
    with bios:
        maker = _value(winreg, bios, "SystemManufacturer") or ""
        product = _value(winreg, bios, "SystemProductName") or ""
    return f"{maker} {product}".strip()[:255]


def device_info_hash(info: DeviceInfo) -> str:
    """What the agent remembers of the info the server acknowledged, to notice a change."""
    return hashlib.sha256(info.model_dump_json().encode()).hexdigest()


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
        dotnet_versions=dotnet_versions(_winreg(), _dotnet_roots())
        if sys.platform == "win32"
        else [],
        sources=sources or [],
    )
