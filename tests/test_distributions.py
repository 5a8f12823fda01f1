"""Each distribution declares what its code imports: every third-party module that voucher_core or voucher_server
import anywhere (function bodies too, read with ast) comes from a distribution in the closure of the server's
declared requirements, so a server installed alone (tests/server/test_distribution.py) never lacks one, and
never needs the till's."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
OWN = {"voucher_core", "voucher_server", "pos_app"}


def imports(package: str) -> set[tuple[str, str]]:
    """(top-level module, file) for every absolute import in ``package``, function bodies and migrations included
    (they run on the server too)."""
    out: set[tuple[str, str]] = set()
    for path in sorted((REPO / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out.update((a.name.split(".")[0], str(path.relative_to(REPO))) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                out.add((node.module.split(".")[0], str(path.relative_to(REPO))))
    return out


def imported_top_levels(package: str) -> dict[str, str]:
    """top-level module name -> one file of ``package`` that imports it."""
    return {m: f for m, f in sorted(imports(package), reverse=True)}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def requirement_closure(dist: str) -> set[str]:
    """``dist`` and every distribution its requirements pull in on this interpreter (markers evaluated, the extras
    asked for followed), as installed."""
    done: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[str, frozenset[str]]] = [(_name(dist), frozenset())]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in done:
            continue
        done.add((name, extras))
        for text in md.requires(name) or []:
            req = Requirement(text)
            if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in (extras or {""})):
                continue
            todo.append((_name(req.name), frozenset(req.extras)))
    return {name for name, _ in done}


def third_party(package: str) -> dict[str, str]:
    return {m: f for m, f in imported_top_levels(package).items()
            if m not in sys.stdlib_module_names and m not in OWN and m != "__future__"}


def providers() -> dict[str, set[str]]:
    return {m: {_name(d) for d in ds} for m, ds in md.packages_distributions().items()}


def test_the_server_imports_only_what_its_distribution_declares() -> None:
    closure = requirement_closure("voucher-server")
    assert {"voucher-core", "fastapi", "sqlalchemy"} <= closure
    assert not {d for d in closure if d.startswith(("pyside6", "opencv", "keyring", "pos-voucher"))}
    by_module = providers()
    missing = {m: f for m, f in third_party("voucher_server").items() if not (by_module.get(m, set()) & closure)}
    assert missing == {}, f"imported by the server but not among its declared requirements: {missing}"


def test_the_shared_rules_import_only_what_their_distribution_declares() -> None:
    closure = requirement_closure("voucher-core")
    by_module = providers()
    missing = {m: f for m, f in third_party("voucher_core").items() if not (by_module.get(m, set()) & closure)}
    assert missing == {}, f"imported by voucher_core but not declared: {missing}"
    assert "voucher_server" not in imported_top_levels("voucher_core")


def test_the_till_needs_the_server_only_for_its_demo() -> None:
    """The till's distribution declares the server only in its ``demo`` extra: outside the demo and the bundle's
    self-test (which runs the demo's embedded server), no module of the till imports it."""
    allowed = ("pos_app/demo/", "pos_app/selftest.py")
    users = {f for m, f in imports("pos_app") if m == "voucher_server" and not f.startswith(allowed)}
    assert users == set()
    assert "voucher-server" not in requirement_closure("pos-voucher-till")

