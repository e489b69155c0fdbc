"""The testing kit as a user meets it: `tests/plugin_project/` is a project of its own (an
integration package and its tests, using only the public plugin), run here by pytest in a
subprocess under each way a suite can drive async tests."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

PROJECT = pathlib.Path(__file__).parent / "plugin_project"
DEADLINE = 300.0
"""Seconds a whole run of the project may take before it counts as hung."""
HEAVY = ("eightbyeight_async.sandbox", "uvicorn", "starlette", "openpyxl")
"""What loading the plugin must not import (the first fixture does)."""


def run_pytest(
    *args: str, cwd: pathlib.Path = PROJECT, autoload: bool = True
) -> subprocess.CompletedProcess[str]:
    """`python -m pytest` in `cwd` with the plugin either autoloaded through its `pytest11`
    entry point or, with `autoload=False`, only through `-p` (as the issue's command)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    options = ["-p", "no:cacheprovider", "-q", "-rA"]
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        options += ["-p", "anyio.pytest_plugin", "-p", "pytest_asyncio.plugin"]
        options += ["-p", "eightbyeight_async.testing"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *options, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )


def outcomes(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Test id -> PASSED/FAILED/ERROR/SKIPPED, from the `-rA` summary."""
    found = re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\S+)", run.stdout, re.M)
    return {test: outcome for outcome, test in found}


def assert_all_passed(run: subprocess.CompletedProcess[str], expected: set[str]) -> None:
    report = run.stdout[-4000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert outcomes(run) == dict.fromkeys(expected, "PASSED"), report


ANYIO_TESTS = {
    f"tests/test_with_anyio.py::test_{name}[{backend}]"
    for name in (
        "totals_match_the_ground_truth",
        "totals_survive_a_503_storm",
        "the_mirror_survives_a_dropped_stream",
        "the_mirror_survives_the_session_end",
    )
    for backend in ("asyncio", "trio")
}
PYTEST_ASYNCIO_TESTS = {
    f"tests/test_with_pytest_asyncio.py::test_{name}"
    for name in (
        "totals_match_the_ground_truth",
        "totals_survive_a_503_storm",
        "the_mirror_survives_a_dropped_stream",
    )
}
SYNC_TESTS = {
    f"tests/test_sandbox_options.py::test_{name}"
    for name in (
        "the_ini_options_size_the_tenant",
        "the_marker_wins_over_the_ini",
        "a_fault_and_the_clocks",
    )
}


def test_the_project_passes_with_the_plugin_from_its_entry_point() -> None:
    """Installed, the plugin needs no `-p`: anyio (asyncio and trio) and strict
    pytest-asyncio tests of one suite share the kit's fixtures."""
    assert_all_passed(run_pytest(), ANYIO_TESTS | PYTEST_ASYNCIO_TESTS | SYNC_TESTS)


def test_the_project_passes_with_only_p_eightbyeight_async_testing() -> None:
    """Without plugin autoloading, `-p eightbyeight_async.testing` is all the kit needs."""
    run = run_pytest(autoload=False)
    assert_all_passed(run, ANYIO_TESTS | PYTEST_ASYNCIO_TESTS | SYNC_TESTS)


def test_the_project_passes_under_pytest_asyncio_auto_mode() -> None:
    """Auto mode runs every async fixture itself; the client still opens on the test's loop."""
    run = run_pytest(
        "-o",
        "asyncio_mode=auto",
        "tests/test_with_pytest_asyncio.py",
        "tests/test_sandbox_options.py",
    )
    assert_all_passed(run, PYTEST_ASYNCIO_TESTS | SYNC_TESTS)


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    """Every pytest run of an environment with the SDK loads the plugin: it must stay light."""
    probe = (
        "import sys, eightbyeight_async.testing; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert found.stdout.strip() == "[]"


MISUSE = textwrap.dedent(
    """
    import pytest

    @pytest.mark.eightbyeight(sed=3)
    def test_a_misspelt_option(eightbyeight_sandbox):
        pass

    @pytest.mark.eightbyeight(7)
    def test_a_positional_option(eightbyeight_sandbox):
        pass

    def test_the_client_from_a_sync_test(eightbyeight_client):
        pass
    """
)


@pytest.mark.parametrize(
    ("test", "message"),
    [
        ("test_a_misspelt_option", "unknown keyword(s) 'sed'; valid keywords: agents,"),
        ("test_a_positional_option", "takes keywords only, got (7,)"),
        ("test_the_client_from_a_sync_test", "eightbyeight_client is an async fixture"),
    ],
)
def test_misuse_gets_a_message_that_says_what_to_do(
    tmp_path: pathlib.Path, test: str, message: str
) -> None:
    (tmp_path / "test_misuse.py").write_text(MISUSE)
    run = run_pytest(f"test_misuse.py::{test}", cwd=tmp_path)
    assert run.returncode != 0
    assert message in run.stdout + run.stderr


def test_without_the_sandbox_extra_a_fixture_says_what_to_install(tmp_path: pathlib.Path) -> None:
    """The plugin loads in every environment with the SDK; the extra is needed only once a
    test asks for a fixture (uvicorn is blocked here as if it were not installed)."""
    (tmp_path / "conftest.py").write_text("import sys\n\nsys.modules['uvicorn'] = None\n")
    (tmp_path / "test_it.py").write_text("def test_it(eightbyeight_sandbox):\n    pass\n")
    run = run_pytest(cwd=tmp_path)
    assert run.returncode != 0
    assert "needs 'uvicorn': pip install 'eightbyeight-async[sandbox]'" in run.stdout
