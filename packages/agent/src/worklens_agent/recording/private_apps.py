"""The private-app rule: no screenshot while an application the policy lists is in front.

Just before a capture the foreground application is compared, case-insensitively and by base
name, with the policy's `private_apps`; when it is listed nothing is captured and a
ScreenshotRecord with skipped_reason="private_app" is recorded instead (screenshots.py)."""

from __future__ import annotations

from pathlib import PureWindowsPath


def _app_name(app: str) -> str:
    name = PureWindowsPath(app.replace("/", "\\")).name.strip().lower()
    for suffix in (".exe", ".app"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_private_app(app: str | None, private_apps: list[str]) -> bool:
    """Case-insensitive match on the base name (a path, `.exe` or `.app` suffix is ignored)."""
    if not app or not private_apps:
        return False
    name = _app_name(app)
    return bool(name) and any(_app_name(listed) == name for listed in private_apps)
