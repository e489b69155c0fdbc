"""The kit's options: the `eightbyeight` marker and the `eightbyeight_*` ini settings.

The ini settings give a project's defaults; the closest marker (test, then class, then
module) wins over them, keyword by keyword.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import attrs
import pytest

from ._pool import sandbox_class

MARKER = "eightbyeight"
MARKER_HELP = (
    "eightbyeight(**options): the Sandbox(...) keywords of the test's sandbox (seed=, days=, "
    "agents=, ...) and client={...} overrides for eightbyeight_client"
)
CLIENT_KEYWORD = "client"
"""The marker keyword that is not a `Sandbox(...)` one: overrides for `sb.client(...)`."""
INI_OPTIONS = {
    "seed": "the seed of the eightbyeight_sandbox tenant (default 0)",
    "days": "days of history the eightbyeight_sandbox tenant has (default 3)",
    "agents": "agents the eightbyeight_sandbox tenant has (default 12)",
}
"""`Sandbox(...)` keyword -> help; each is the integer ini setting `eightbyeight_<keyword>`."""


@attrs.frozen
class KitOptions:
    """What one test asked for: the `Sandbox(...)` keywords and the client's overrides."""

    sandbox: Mapping[str, Any]
    client: Mapping[str, Any]


def add_ini_options(parser: pytest.Parser) -> None:
    """Register `eightbyeight_seed`, `eightbyeight_days` and `eightbyeight_agents`."""
    for keyword, text in INI_OPTIONS.items():
        parser.addini(f"{MARKER}_{keyword}", help=text, default="")


def read_options(item: pytest.Item) -> KitOptions:
    """The options of `item`: its ini defaults overlaid by its markers, closest last."""
    sandbox = _ini_options(item.config)
    marked: dict[str, Any] = {}
    for mark in reversed(list(item.iter_markers(MARKER))):
        if mark.args:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.{MARKER} takes keywords only, got {mark.args!r}"
            )
        marked.update(mark.kwargs)
    client = marked.pop(CLIENT_KEYWORD, {})
    unknown = sorted(set(marked) - sandbox_keywords())
    if unknown:
        valid = ", ".join(sorted(sandbox_keywords() | {CLIENT_KEYWORD}))
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.{MARKER} got unknown keyword(s) "
            f"{', '.join(map(repr, unknown))}; valid keywords: {valid}"
        )
    if not isinstance(client, Mapping):
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.{MARKER}({CLIENT_KEYWORD}=...) takes a dict of "
            f"ContactCenter keywords, got {client!r}"
        )
    return KitOptions(sandbox={**sandbox, **marked}, client=dict(client))


def sandbox_keywords() -> set[str]:
    """Every keyword `Sandbox(...)` accepts (imports the sandbox: call it from a fixture)."""
    return set(inspect.signature(sandbox_class()).parameters)


def _ini_options(config: pytest.Config) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for keyword in INI_OPTIONS:
        name = f"{MARKER}_{keyword}"
        raw = str(config.getini(name)).strip()
        if not raw:
            continue
        try:
            found[keyword] = int(raw)
        except ValueError:
            raise pytest.UsageError(f"ini option {name} = {raw!r}: expected an integer") from None
    return found
