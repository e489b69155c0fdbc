"""The session's running sandboxes, one per distinct set of options, so a suite starts each
server (and generates each tenant) once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..sandbox import Sandbox


def sandbox_class() -> type[Sandbox]:
    """`Sandbox`, imported on first use (so that loading the plugin stays light); a
    UsageError that says what to install when the `sandbox` extra is missing."""
    try:
        from ..sandbox import Sandbox
    except ModuleNotFoundError as exc:
        raise pytest.UsageError(
            f"the eightbyeight fixtures run the sandbox, which needs {exc.name!r}: "
            "pip install 'eightbyeight-async[sandbox]'"
        ) from exc
    return Sandbox


class SandboxPool:
    """Started sandboxes by their `Sandbox(...)` keywords; `close()` stops them all."""

    def __init__(self) -> None:
        self._running: dict[tuple[tuple[str, Any], ...], Sandbox] = {}

    def get(self, options: Mapping[str, Any]) -> Sandbox:
        """The running sandbox of these options, started on first use."""
        key = tuple(sorted(options.items()))
        sandbox = self._running.get(key)
        if sandbox is None:
            sandbox = sandbox_class()(**options)
            sandbox.start()
            self._running[key] = sandbox
        return sandbox

    def close(self) -> None:
        """Stop every sandbox, the last started first."""
        running, self._running = list(self._running.values()), {}
        for sandbox in reversed(running):
            sandbox.stop()
