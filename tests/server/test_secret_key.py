"""An installation without SECRET_KEY gets a random key of its own, never a well-known one."""

import os
import stat
import subprocess
import sys
from pathlib import Path

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def secret_key_of(data_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "worklens-server"), "shell", "-c", PRINT_KEY],
        env=env | {"WORKLENS_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_key_is_generated_once_per_data_dir_and_private(tmp_path: Path) -> None:
    first = secret_key_of(tmp_path / "a")
    assert len(first) >= 50
    assert secret_key_of(tmp_path / "a") == first
    assert secret_key_of(tmp_path / "b") != first
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert [p.name for p in (tmp_path / "a").iterdir() if p.name.startswith(".secret")] == []
