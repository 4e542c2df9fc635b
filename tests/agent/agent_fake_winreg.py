"""A stand-in for the `winreg` module: the subset the agent calls, over an in-memory tree, with
the real module's errors (FileNotFoundError for a missing key or value, OSError at the end of an
enumeration), so the Windows code paths run on Linux."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeKey:
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)
    subkeys: dict[str, FakeKey] = field(default_factory=dict)

    def __enter__(self) -> FakeKey:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


class FakeWinreg:
    HKEY_CURRENT_USER = "HKEY_CURRENT_USER"
    HKEY_LOCAL_MACHINE = "HKEY_LOCAL_MACHINE"
    KEY_READ = 0x20019
    KEY_SET_VALUE = 0x0002
    REG_SZ = 1
    REG_DWORD = 4

    def __init__(self) -> None:
        self.roots = {self.HKEY_CURRENT_USER: FakeKey(), self.HKEY_LOCAL_MACHINE: FakeKey()}

    def _base(self, key: Any) -> FakeKey:
        return self.roots[key] if isinstance(key, str) else key

    def _walk(self, key: Any, sub_key: str, create: bool) -> FakeKey:
        node = self._base(key)
        for part in [p for p in sub_key.split("\\") if p]:
            if part not in node.subkeys:
                if not create:
                    raise FileNotFoundError(2, "The system cannot find the file specified")
                node.subkeys[part] = FakeKey()
            node = node.subkeys[part]
        return node

    # The winreg API (names as in the real module).
    def OpenKey(self, key: Any, sub_key: str, reserved: int = 0, access: int = 0) -> FakeKey:
        return self._walk(key, sub_key, create=False)

    def CreateKeyEx(self, key: Any, sub_key: str, reserved: int = 0, access: int = 0) -> FakeKey:
        return self._walk(key, sub_key, create=True)

    def EnumKey(self, key: FakeKey, index: int) -> str:
        names = list(key.subkeys)
        if index >= len(names):
            raise OSError(259, "No more data is available")
        return names[index]

    def QueryValueEx(self, key: FakeKey, name: str) -> tuple[Any, int]:
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name]

    def SetValueEx(self, key: FakeKey, name: str, reserved: int, kind: int, value: Any) -> None:
        key.values[name] = (value, kind)

    def DeleteValue(self, key: FakeKey, name: str) -> None:
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]

    # Test helpers.
    def put(self, root: str, path: str, **values: Any) -> None:
        node = self._walk(root, path, create=True)
        for name, value in values.items():
            node.values[name] = (value, self.REG_DWORD if isinstance(value, int) else self.REG_SZ)
