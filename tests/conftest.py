"""Root of the test suite. `tests.strict_skips` makes a skipped test fail the run under
WORKLENS_STRICT_SKIPS=1 (set by scripts/test.sh) unless tests/skips_allowed.toml allows it."""

pytest_plugins = ["tests.strict_skips"]
