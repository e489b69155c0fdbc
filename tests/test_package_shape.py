"""The package's shape, checked from its source: module size, no import cycle, the sandbox
independent of the SDK, and one import path per public name."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import eightbyeight_async

PACKAGE = Path(eightbyeight_async.__file__).parent
MAX_MODULE_LINES = 400
PUBLIC_MODULES = [
    "eightbyeight_async",
    "eightbyeight_async.sandbox",
    *sorted(
        f"eightbyeight_async.types.{path.stem}"
        for path in (PACKAGE / "types").iterdir()
        if not path.name.startswith("_") and (path.suffix == ".py" or path.is_dir())
    ),
]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()


def imports_of(name: str, path: Path) -> set[str]:
    """The package modules `name` imports (TYPE_CHECKING imports included: a cycle hidden
    behind them is still two modules that need each other)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def test_the_walk_reads_the_package() -> None:
    assert "eightbyeight_async._http" in GRAPH
    assert "eightbyeight_async._http" in GRAPH["eightbyeight_async._endpoints"]
    assert len(MODULES) > 60


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in MODULES.items()}
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_no_import_cycle() -> None:
    """Package `__init__` modules re-export their children, so an edge into a package's own
    `__init__` from below it is not a cycle of design; every other back edge is."""
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if name.startswith(target + "."):
                continue  # a submodule importing its own package's re-exports
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert [c for c in cycles if not any(p.endswith("__init__") for p in c)] == []


def test_the_sandbox_imports_the_sdk_only_to_build_its_client() -> None:
    sdk_imports = {
        (name, target)
        for name, targets in GRAPH.items()
        if name.startswith("eightbyeight_async.sandbox")
        for target in targets
        if not target.startswith("eightbyeight_async.sandbox")
    }
    assert {target for _, target in sdk_imports} <= {"eightbyeight_async._client"}, sdk_imports


def test_every_public_name_has_one_import_path() -> None:
    homes: dict[int, list[str]] = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) or inspect.isfunction(value):
                homes.setdefault(id(value), []).append(f"{module_name}.{name}")
    assert [paths for paths in homes.values() if len(paths) > 1] == []


def test_the_public_modules_are_found() -> None:
    assert "eightbyeight_async.types.stats" in PUBLIC_MODULES
    assert "eightbyeight_async.types.streaming" in PUBLIC_MODULES
