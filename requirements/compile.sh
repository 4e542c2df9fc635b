#!/usr/bin/env bash
# Re-pin every dependency with hashes after editing a requirements/*.in or a package's pyproject.
# Our own packages are installed from the tree (editable), so they are left out of the pins.
# --universal: one file for every platform, with markers (pyobjc only on macOS, python-xlib only on
# Linux...), so a macOS or Windows install is pinned and hashed too; pip/uv skip what does not apply.
set -euo pipefail
cd "$(dirname "$0")/.."
for name in agent server dev; do
  uv pip compile --quiet --python-version 3.11 --universal --generate-hashes --no-header \
    --no-emit-package worklens-wire --no-emit-package worklens-agent --no-emit-package worklens-server \
    "requirements/$name.in" -o "requirements/$name.txt"
done
