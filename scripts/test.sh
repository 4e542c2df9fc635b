#!/usr/bin/env bash
# Sets up everything the suite needs and runs it: lint, types, then every test on SQLite and
# again on PostgreSQL. Exits non-zero if anything fails or if no test ran.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$repo_root"

ensure_system_packages
ensure_venv .venv requirements/dev.txt packages/wire packages/agent packages/server
ensure_postgres

log "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
log "mypy"
.venv/bin/mypy packages/wire/src packages/agent/src packages/server/src bench
log "import contracts"
.venv/bin/lint-imports

# Four test processes on two cores: most of the long tests wait on real time (slots, uploads,
# browsers), so two processes left the cores idle most of the run (0.8 cores busy on average).
workers=${WORKLENS_TEST_WORKERS:-4}
# A skipped test fails the run unless tests/skips_allowed.toml allows it (tests/strict_skips.py).
export WORKLENS_STRICT_SKIPS=1
log "tests on SQLite"
env -u DATABASE_URL .venv/bin/pytest -n "$workers" "$@"
# A database name of its own, so two runs on one machine never share test databases. The agent
# and contract tests never touch the server's database, so without arguments this run is the
# server and end-to-end tests only.
log "tests on PostgreSQL"
# The input flags' acceptance test (ten minutes of real time) checks what the agent computes;
# its server part is the server tests', which run here. Run once, on SQLite, it keeps the suite
# near fifteen minutes.
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(tests/server tests/e2e
  --deselect tests/e2e/test_input_flags_desktop.py::test_a_jiggler_is_flagged_and_a_person_is_not)
DATABASE_URL="postgres://postgres@127.0.0.1:5432/worklens_$$" .venv/bin/pytest -n "$workers" "${targets[@]}"
