"""The house rules of docs/architecture.md, checked on the source itself (imports read with ast, including the
ones inside functions): layers point down, no import cycle, rooms stay small."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("voucher_core", "pos_app", "voucher_server")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # generated once, never edited: Alembic's history
            rel = path.relative_to(REPO).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def imported(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, anywhere in the file, resolved to absolute dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            out.add(prefix)
            # ``from pkg import mod`` imports the module pkg.mod when there is one
            out.update(f"{prefix}.{alias.name}" for alias in node.names if f"{prefix}.{alias.name}" in NAMES)
    return out


ALL = dict(modules())
NAMES = set(ALL)
IMPORTS = {name: imported(name, path) for name, path in ALL.items()}


def internal(targets: set[str]) -> set[str]:
    """The project's modules among ``targets`` (``from pkg import name`` counts as the module pkg.name if any)."""
    return {t for t in targets if t in ALL}


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def offenders(source_prefix: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{name} imports {target}" for name, targets in IMPORTS.items() if under(name, source_prefix)
                  for target in targets for bad in forbidden if under(target, bad))


@pytest.mark.parametrize(("layer", "forbidden"), [
    # The shared rules: both programs import them, they import neither (and nothing that does I/O).
    ("voucher_core", ("PySide6", "sqlite3", "requests", "sqlalchemy", "fastapi", "pos_app", "voucher_server")),
    ("pos_app.core", ("PySide6", "sqlite3", "requests", "pos_app.store", "pos_app.api", "pos_app.services",
                      "pos_app.ui", "pos_app.scanning", "pos_app.reports", "voucher_server")),
    ("pos_app.services", ("PySide6", "sqlite3", "requests", "pos_app.ui")),
    ("pos_app.store", ("PySide6", "requests", "pos_app.api", "pos_app.services", "pos_app.ui")),
    ("pos_app.api", ("PySide6", "sqlite3", "pos_app.store", "pos_app.services", "pos_app.ui")),
    ("pos_app.scanning", ("PySide6", "pos_app.ui", "pos_app.services", "pos_app.store", "pos_app.api")),
    ("pos_app.reports", ("pos_app.ui", "pos_app.services", "pos_app.store", "pos_app.api")),
    ("voucher_server", ("PySide6", "pos_app.ui", "pos_app.services", "pos_app.store", "pos_app.api",
                        "pos_app.scanning", "pos_app.reports")),
])
def test_layers_point_down(layer: str, forbidden: tuple[str, ...]) -> None:
    assert offenders(layer, forbidden) == []


def test_nothing_outside_the_ui_imports_it() -> None:
    # The entry points that open windows sit above the UI; everything else is below it.
    # The command line is the other user interface: it says things with the UI's words table.
    entry_points = ("pos_app.ui", "pos_app.demo", "pos_app.commands", "pos_app.cli", "pos_app.selftest")
    outside = [n for n in IMPORTS if not any(under(n, e) for e in entry_points)]
    assert [f"{n} imports {t}" for n in outside for t in IMPORTS[n] if under(t, "pos_app.ui")] == []


def test_no_import_cycle() -> None:
    graph = {name: internal(targets) - {name} for name, targets in IMPORTS.items()}
    # A package's __init__ importing its own submodules is how a package re-exports: not a cycle of design.
    for name in graph:
        graph[name] = {t for t in graph[name] if not (ALL[name].name == "__init__.py" and under(t, name))}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert [" -> ".join(c) for c in cycles] == []


def test_modules_stay_small() -> None:
    big = {name: n for name, path in ALL.items()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert big == {}


def test_functions_stay_small() -> None:
    long: list[str] = []
    for name, path in ALL.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert long == []
