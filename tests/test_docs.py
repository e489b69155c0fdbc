"""Every Python sample of the documentation site and the README runs against the sandbox.

A page's samples run in order in one namespace, as a reader would type them into one
session: `sb` (a sandbox), `cc` (an open client for it) and the `EIGHTBYEIGHT_*` variables
(so `ContactCenter.from_env()` reaches the sandbox) are there from the start, and top-level
`await` works. What a reader supplies from their own tenant (an agent id, a report id, a
Redis URL, ...) comes from the page's setup in `docs_setup.py`, run before its first sample.
A sample that only includes files (`--8<-- "examples/..."`) is run by the test of those
files; this test checks that each included file is one.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import importlib
import inspect
import os
import pathlib
import pkgutil
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from docs_setup import PAGE_SETUP

from eightbyeight_async import RetryPolicy
from eightbyeight_async.sandbox import Sandbox

ROOT = pathlib.Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
INCLUDE = re.compile(r'^--8<-- "([^"]+)"$')
TESTED_ELSEWHERE = ("examples/", "tests/plugin_project/")
"""Included files that other tests run: tests/test_examples.py, tests/test_testing_plugin.py."""
SAMPLE_TIMEOUT = 30.0


def samples(page: pathlib.Path) -> list[tuple[int, str]]:
    """The page's ```python blocks, each with the line it starts on."""
    text = page.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, found.start()) + 2, found.group(1)) for found in FENCE.finditer(text)
    ]


def included_files(sample: str) -> list[str] | None:
    """The files a block only includes, or None when it is code to run."""
    lines = [line.strip() for line in sample.splitlines() if line.strip()]
    paths = [match.group(1) for line in lines if (match := INCLUDE.match(line))]
    return paths if paths and len(paths) == len(lines) else None


@pytest.fixture(scope="module")
def docs_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1, days=30, agents=20, sapi_time_scale=600) as sandbox:
        yield sandbox


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sample that would reach a host other than this machine fails instead."""
    resolve = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(f"{host}: the documentation's samples may reach only 127.0.0.1")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def run_sample(
    source: str, name: str, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop
) -> None:
    code = compile(source, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if code.co_flags & inspect.CO_COROUTINE:
        loop.run_until_complete(asyncio.wait_for(eval(code, namespace), SAMPLE_TIMEOUT))  # noqa: S307
    else:
        exec(code, namespace)  # noqa: S102


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_sample_of_the_page_runs_on_the_sandbox(
    page: pathlib.Path,
    docs_sandbox: Sandbox,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    loopback_only: None,
) -> None:
    runnable = [(line, code) for line, code in samples(page) if included_files(code) is None]
    for _, code in samples(page):
        for path in included_files(code) or []:
            assert (ROOT / path).is_file(), f"{page.name} includes {path}, which does not exist"
            assert path.startswith(TESTED_ELSEWHERE), f"{page.name}: nothing runs {path}"
    if not runnable:
        return
    docs_sandbox.reset()
    for key, value in docs_sandbox.environment().items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    setup = PAGE_SETUP.get(str(page.relative_to(ROOT)))
    loop = asyncio.new_event_loop()
    client = docs_sandbox.client(retry=RetryPolicy.instant())
    with contextlib.ExitStack() as cleanup:
        try:
            loop.run_until_complete(client.__aenter__())
            namespace: dict[str, Any] = {"__name__": "__docs__", "sb": docs_sandbox, "cc": client}
            if setup is not None:
                prepared = setup(docs_sandbox, client, cleanup)
                namespace |= loop.run_until_complete(asyncio.wait_for(prepared, SAMPLE_TIMEOUT))
            for line, code in runnable:
                name = f"{page.relative_to(ROOT)}:{line}"
                try:
                    run_sample(code, name, namespace, loop)
                except Exception as error:
                    raise AssertionError(f"the sample at {name} failed: {error!r}") from error
        finally:
            loop.run_until_complete(client.aclose())
            loop.close()
    assert os.getcwd() == str(tmp_path)


def test_every_page_setup_is_for_a_page_with_samples() -> None:
    pages = {str(page.relative_to(ROOT)): page for page in PAGES}
    for path in PAGE_SETUP:
        assert path in pages, f"docs_setup.py has a setup for {path}, which is not a page"
        assert any(included_files(code) is None for _, code in samples(pages[path])), path


PUBLIC_MODULES = [
    "eightbyeight_async",
    "eightbyeight_async.types.stats",
    "eightbyeight_async.types.analytics",
    "eightbyeight_async.types.detailed_reports",
    "eightbyeight_async.types.callbacks",
    "eightbyeight_async.types.interaction_data",
    "eightbyeight_async.types.realtime",
    "eightbyeight_async.types.recent_calls",
    "eightbyeight_async.types.recording_control",
    "eightbyeight_async.types.recordings",
    "eightbyeight_async.types.schedules",
    "eightbyeight_async.types.streaming",
    "eightbyeight_async.sandbox",
    "eightbyeight_async.testing",
]


def test_the_api_reference_documents_every_public_name(tmp_path: pathlib.Path) -> None:
    """Build the site (strict: a broken reference or page fails) and read its inventory."""
    from mkdocstrings import Inventory

    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with (site / "objects.inv").open("rb") as inventory_file:
        documented = set(Inventory.parse_sphinx(inventory_file))
    types_package = importlib.import_module("eightbyeight_async.types")
    type_modules = {info.name for info in pkgutil.iter_modules(types_package.__path__)}
    assert {m.split(".")[-1] for m in PUBLIC_MODULES if ".types." in m} == type_modules, (
        "PUBLIC_MODULES must list every module of eightbyeight_async.types"
    )
    missing = [
        f"{module}.{name}"
        for module in PUBLIC_MODULES
        for name in importlib.import_module(module).__all__
        if not name.startswith("__") and f"{module}.{name}" not in documented
    ]
    assert not missing, f"public names without a reference entry: {missing}"
