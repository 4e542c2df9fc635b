"""Device information: on Windows with the registry replaced (.NET versions, hardware model), and
the local timezone as the OS gives it now."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from agent_fake_winreg import FakeWinreg

from worklens_agent.desktop import device
from worklens_agent.desktop.device import (
    BIOS_KEY,
    CRYPTOGRAPHY_KEY,
    NDP_KEY,
    dotnet_versions,
    mac_platform_uuid,
    machine_id_hash,
    windows_hardware_model,
    windows_machine_guid,
)
from worklens_agent.journal.store import Store


@pytest.fixture
def registry() -> FakeWinreg:
    reg = FakeWinreg()
    hklm = reg.HKEY_LOCAL_MACHINE
    reg.put(hklm, NDP_KEY + r"\v2.0.50727", Version="2.0.50727.4927", Install=1)
    reg.put(hklm, NDP_KEY + r"\v3.5", Version="3.5.30729.4926", Install=1)
    reg.put(hklm, NDP_KEY + r"\v4\Client", Version="4.8.09037", Install=1)
    reg.put(hklm, NDP_KEY + r"\v4\Full", Version="4.8.09037", Install=1)
    reg.put(hklm, NDP_KEY + r"\v4.0", **{"": "deprecated"})  # no Version: not a framework
    reg.put(hklm, NDP_KEY + r"\v1.1.4322", Version="1.1.4322", Install=0)  # uninstalled
    reg.put(hklm, NDP_KEY + r"\CDF")  # not a version key
    reg.put(hklm, BIOS_KEY, SystemManufacturer="LENOVO", SystemProductName="20XK0016GE")
    reg.put(hklm, CRYPTOGRAPHY_KEY, MachineGuid="4c4c4544-0042-3510-8052-b4c04f4e4b32")
    return reg


def _runtimes(root: Path) -> Path:
    for runtime, version in [
        ("Microsoft.NETCore.App", "8.0.11"),
        ("Microsoft.NETCore.App", "6.0.36"),
        ("Microsoft.WindowsDesktop.App", "8.0.11"),
    ]:
        (root / "shared" / runtime / version).mkdir(parents=True)
    (root / "shared" / "Microsoft.NETCore.App" / "README.txt").write_text("not a version")
    return root


def test_dotnet_versions_from_the_registry_and_the_shared_runtime_dirs(
    registry: FakeWinreg, tmp_path: Path
) -> None:
    versions = dotnet_versions(registry, [_runtimes(tmp_path / "dotnet"), tmp_path / "missing"])
    assert versions == [
        ".NET Framework 2.0.50727.4927",
        ".NET Framework 3.5.30729.4926",
        ".NET Framework 4.8.09037",
        "Microsoft.NETCore.App 6.0.36",
        "Microsoft.NETCore.App 8.0.11",
        "Microsoft.WindowsDesktop.App 8.0.11",
    ]


def test_no_dotnet_at_all_is_an_empty_list(tmp_path: Path) -> None:
    assert dotnet_versions(FakeWinreg(), [tmp_path]) == []


def test_hardware_model_from_the_bios_key(registry: FakeWinreg) -> None:
    assert windows_hardware_model(registry) == "LENOVO 20XK0016GE"
    assert windows_hardware_model(FakeWinreg()) == ""


def test_device_info_on_windows_carries_the_dotnet_versions(
    registry: FakeWinreg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(device, "_winreg", lambda: registry)
    monkeypatch.setenv("ProgramFiles", str(tmp_path))
    _runtimes(tmp_path / "dotnet")
    info = device.device_info(store)
    assert info.hardware_model == "LENOVO 20XK0016GE"
    assert info.os_version.startswith("Windows ")
    assert ".NET Framework 4.8.09037" in info.dotnet_versions
    assert "Microsoft.NETCore.App 8.0.11" in info.dotnet_versions


def test_device_info_elsewhere_has_no_dotnet_versions(store: Store) -> None:
    assert device.device_info(store).dotnet_versions == []


def test_machine_ids_of_windows_and_macos(
    registry: FakeWinreg, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    assert windows_machine_guid(registry) == "4c4c4544-0042-3510-8052-b4c04f4e4b32"
    assert windows_machine_guid(FakeWinreg()) == ""
    ioreg = (
        "+-o J314sAP  <class IOPlatformExpertDevice, id 0x100000256>\n"
        '    "IOPlatformSerialNumber" = "C02XXXXXXX"\n'
        '    "IOPlatformUUID" = "564DDC5B-7F1B-5A0C-9C7E-6A5A0C1B2D3E"\n'
    )
    assert mac_platform_uuid(ioreg) == "564DDC5B-7F1B-5A0C-9C7E-6A5A0C1B2D3E"
    assert mac_platform_uuid("") == ""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(device, "_winreg", lambda: registry)
    hashed = machine_id_hash(store)
    assert "4c4c4544" not in hashed  # only the hash leaves the device
    assert hashed == machine_id_hash(store)  # stable: the same machine, the same hash
    monkeypatch.setattr(device, "_winreg", FakeWinreg)
    assert machine_id_hash(store) != hashed


def test_local_timezone_is_the_iana_name_the_os_gives_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    assert device.local_timezone() == "America/Sao_Paulo"
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # the laptop travelled
    assert device.local_timezone() == "Asia/Kolkata"


def test_local_timezone_is_utc_when_the_os_cannot_tell(monkeypatch: pytest.MonkeyPatch) -> None:
    def cannot_tell() -> str:
        raise LookupError("Can not find timezone")

    monkeypatch.setattr(device.tzlocal, "reload_localzone", cannot_tell)
    assert device.local_timezone() == "UTC"
    monkeypatch.setattr(device.tzlocal, "reload_localzone", lambda: None)
    monkeypatch.setattr(device.tzlocal, "get_localzone_name", lambda: "Not/AZone")
    assert device.local_timezone() == "UTC"
