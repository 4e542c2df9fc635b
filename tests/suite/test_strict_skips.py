"""The strict-skips plugin (tests/strict_skips.py): under WORKLENS_STRICT_SKIPS=1 a test that
did not run fails the session unless the allow-list names it, and the failure says which test
and why it was skipped. Each case runs a small pytest session of its own (pytester)."""

from __future__ import annotations

import sys
import textwrap

import pytest

from tests.strict_skips import ENV_VAR, Allowed, load_allow_list

pytest_plugins = ["pytester"]

# The inner sessions need only this plugin: not Django, xdist or the suite's own conftest.
INNER_ARGS = [
    *("-p", "tests.strict_skips"),
    *("-p", "no:django", "-p", "no:xdist", "-p", "no:cacheprovider"),
]

SKIPPING_TESTS = """
    import sys
    import pytest

    def test_runs():
        pass

    @pytest.mark.skipif(True, reason="Chromium is not installed")
    def test_in_chromium():
        pass

    def test_on_the_other_os():
        pytest.skip("checks the refusal off Windows")
"""


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "1")


def _allow(pytester: pytest.Pytester, entries: str) -> None:
    pytester.makefile(".toml", skips_allowed=textwrap.dedent(entries))
    pytester.makeini("[pytest]\nskips_allowed = skips_allowed.toml\n")


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*INNER_ARGS, *args)


@pytest.mark.usefixtures("strict")
def test_an_unlisted_skip_fails_the_session_naming_the_test_and_its_reason(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_browser=SKIPPING_TESTS)
    _allow(
        pytester,
        """
        [[allowed]]
        test = "test_browser.py::test_on_the_other_os"
        reason = "the other OS's backend"
        """,
    )

    result = _run(pytester)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*= 1 skipped test(s) not on the allow-list =*",
            f"{ENV_VAR}=1: these tests did not run, and they are not on the allow-list",
            "SKIPPED test_browser.py::test_in_chromium - Chromium is not installed",
        ]
    )
    assert "SKIPPED test_browser.py::test_on_the_other_os -" not in result.stdout.str()


@pytest.mark.usefixtures("strict")
def test_listed_skips_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_browser=SKIPPING_TESTS)
    _allow(
        pytester,
        """
        [[allowed]]
        test = "test_browser.py::test_on_the_other_os"
        reason = "the other OS's backend"

        [[allowed]]
        test = "test_browser.py::test_in_*"
        reason = "a glob over the test's name"
        """,
    )

    result = _run(pytester)

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=2)
    assert "not on the allow-list" not in result.stdout.str()


def test_without_the_variable_skips_pass_as_usual(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    pytester.makepyfile(test_browser=SKIPPING_TESTS)

    result = _run(pytester)

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=2)


@pytest.mark.usefixtures("strict")
def test_xfail_importorskip_and_a_module_level_skip_count_as_skips(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_marked="""
            import pytest

            @pytest.mark.xfail(reason="known to fail")
            def test_expected_failure():
                assert False

            @pytest.mark.xfail(reason="known to fail, passes")
            def test_unexpected_pass():
                pass

            def test_needs_a_module():
                pytest.importorskip("no_such_module_here")

            @pytest.fixture
            def tool():
                pytest.skip("xdotool is not installed")

            def test_in_a_fixture(tool):
                pass
        """,
        test_whole_module="""
            import pytest

            pytest.skip("Xvfb is not installed", allow_module_level=True)

            def test_never_collected():
                pass
        """,
    )

    result = _run(pytester)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*= 5 skipped test(s) not on the allow-list =*"])
    result.stdout.fnmatch_lines(
        [
            "XFAILED test_marked.py::test_expected_failure - xfail: known to fail",
            "SKIPPED test_marked.py::test_in_a_fixture - xdotool is not installed",
            "SKIPPED test_marked.py::test_needs_a_module - could not import*",
            "XPASSED test_marked.py::test_unexpected_pass - xfail: known to fail, passes",
            "SKIPPED test_whole_module.py - Xvfb is not installed",
        ],
        consecutive=True,
    )


@pytest.mark.usefixtures("strict")
def test_entries_survive_a_move_into_a_sub_folder_and_hold_only_on_their_platforms(
    pytester: pytest.Pytester,
) -> None:
    pytester.mkpydir("agent")
    pytester.mkpydir("agent/desktop")
    (pytester.path / "agent/desktop/test_memory.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.parametrize("mode", ["default", "fixed"])
            def test_kept(mode):
                pytest.skip("glibc's allocator")

            def test_elsewhere():
                pytest.skip("only on another system")
            """
        )
    )
    _allow(
        pytester,
        f"""
        [[allowed]]
        test = "test_memory.py::test_kept"
        reason = "parameters are left out of the match"

        [[allowed]]
        test = "test_memory.py::test_elsewhere"
        platforms = ["{"linux" if sys.platform == "win32" else "win32"}"]
        reason = "allowed on another platform only"
        """,
    )

    result = _run(pytester)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*= 1 skipped test(s) not on the allow-list =*"])
    result.stdout.fnmatch_lines(
        ["SKIPPED agent/desktop/test_memory.py::test_elsewhere - only on another system"]
    )


@pytest.mark.usefixtures("strict")
def test_a_failing_run_keeps_its_failure_and_still_lists_the_skips(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_mixed="""
            import pytest

            def test_broken():
                assert 1 == 2

            def test_skipped():
                pytest.skip("no display")
        """
    )

    result = _run(pytester)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED test_mixed.py::test_skipped - no display"])


def test_the_allow_list_needs_a_reason_for_every_entry(pytester: pytest.Pytester) -> None:
    path = pytester.makefile(
        ".toml", skips_allowed='[[allowed]]\ntest = "test_x.py::test_y"\nreason = " "\n'
    )
    with pytest.raises(pytest.UsageError, match=r"needs a `reason`"):
        load_allow_list(path)


def test_the_committed_allow_list_is_short_and_explained() -> None:
    from pathlib import Path

    entries = load_allow_list(Path(__file__).parents[1] / "skips_allowed.toml")
    assert 0 < len(entries) <= 10
    assert all(isinstance(entry, Allowed) and len(entry.reason) > 20 for entry in entries)
    # No entry may allow a skip on Linux, where CI runs: every Linux test must run there.
    assert all(entry.platforms and "linux" not in entry.platforms for entry in entries)


@pytest.mark.usefixtures("strict")
def test_under_xdist_the_controller_sees_the_workers_skips(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_browser=SKIPPING_TESTS)
    pytester.makepyfile(test_more="def test_a():\n    pass\n\ndef test_b():\n    pass\n")

    result = pytester.runpytest(
        "-p", "tests.strict_skips", "-p", "no:django", "-p", "no:cacheprovider", "-n", "2"
    )

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*= 2 skipped test(s) not on the allow-list =*"])
    result.stdout.fnmatch_lines(
        [
            "SKIPPED test_browser.py::test_in_chromium - Chromium is not installed",
            "SKIPPED test_browser.py::test_on_the_other_os - checks the refusal off Windows",
        ]
    )
