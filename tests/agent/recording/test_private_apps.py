"""The private-app rule: which application in front means no screenshot."""

from __future__ import annotations

import pytest

from worklens_agent.recording.private_apps import is_private_app


@pytest.mark.parametrize(
    ("app", "listed", "private"),
    [
        ("keepassxc", ["KeePassXC"], True),
        ("/usr/bin/KeePassXC", ["keepassxc"], True),
        (r"C:\Program Files\1Password\1Password.exe", ["1password"], True),
        ("Bank.app", ["bank"], True),
        ("firefox", ["keepassxc"], False),
        ("keepassxc-helper", ["keepassxc"], False),
        (None, ["keepassxc"], False),
        ("keepassxc", [], False),
    ],
)
def test_private_app_match_is_by_base_name_ignoring_case(
    app: str | None, listed: list[str], private: bool
) -> None:
    assert is_private_app(app, listed) is private
