#!/usr/bin/env bash
# Re-pin every dependency with hashes after editing a requirements/*.in or a package's pyproject.
# Our own packages are installed from the tree (editable), so they are left out of the pins.
set -euo pipefail
cd "$(dirname "$0")/.."
for name in agent server dev; do
  uv pip compile --quiet --python-version 3.11 --generate-hashes --no-header \
    --no-emit-package worklens-wire --no-emit-package worklens-agent --no-emit-package worklens-server \
    "requirements/$name.in" -o "requirements/$name.txt"
done
