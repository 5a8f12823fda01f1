"""The server's own distribution, installed alone: a fresh venv with only packaging/core and packaging/server (built
as wheels, installed by pip with their declared dependencies) serves the API and the console on PostgreSQL and
runs its commands, and has no Qt, OpenCV or keyring. Slow (pip installs some 45 distributions): one venv per
session of this module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from voucher_core.timeutil import business_day, utc_now
from voucher_server.process import REPO, ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# What a server must never carry (the till's libraries), by import name. Not requests: factur-x (the commission
# invoices' Factur-X) requires it, though the server itself never imports it.
TILL_ONLY = ("PySide6", "shiboken6", "cv2", "keyring", "pyzbar", "pos_app")


def _run(cmd: list[str], cwd: Path, timeout: float = 600, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert out.returncode == 0, f"{cmd[:3]}...: {out.stderr[-3000:]}"
    return out


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment of an operator's shell: no PYTHONPATH to the source tree, no virtualenv of ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update({"HOME": str(tmp), "VOUCHER_SERVER_SECRET": "distribution-test-secret-0123456789"})
    return env


@pytest.fixture(scope="module")
def server_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("server_dist")
    wheels = tmp / "wheels"
    # Built with this venv's setuptools (no isolated build env to download): the wheels are what pip would build.
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
          str(REPO / "packaging" / "core"), str(REPO / "packaging" / "server")], cwd=tmp)
    built = sorted(p.name for p in wheels.glob("*.whl"))
    assert [n.split("-")[0] for n in built] == ["voucher_core", "voucher_server"], built
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp)
    env = _clean_env(tmp)
    # this venv's pip installs into the new one (--python): no second pip to set up there; not byte-compiled,
    # which only saves time at first import. A third of the time of the new venv's own pip, same distributions
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-compile",
          *map(str, wheels.glob("*.whl"))], cwd=tmp, env=env)
    yield venv, env


def _py(venv: Path, code: str, env: dict[str, str], cwd: Path) -> str:
    return _run([str(venv / "bin" / "python"), "-c", code], cwd=cwd, env=env, timeout=120).stdout


def test_no_till_library_is_installed(server_venv: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    venv, env = server_venv
    found = _py(venv, f"import importlib.util as u; print([m for m in {TILL_ONLY!r} if u.find_spec(m)])", env,
                tmp_path)
    assert found.strip() == "[]"
    failed = subprocess.run([str(venv / "bin" / "python"), "-c", "import PySide6"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode != 0 and "No module named 'PySide6'" in failed.stderr
    names = json.loads(_py(venv, "import json, importlib.metadata as m; "
                                 "print(json.dumps(sorted(d.metadata['Name'].lower() for d in m.distributions())))",
                           env, tmp_path))
    assert "voucher-server" in names and "voucher-core" in names
    assert not {n for n in names if n.startswith(("pyside6", "opencv", "keyring", "pos-voucher"))}


def test_every_module_imports_from_the_installed_distribution(server_venv: tuple[Path, dict[str, str]],
                                                              tmp_path: Path) -> None:
    venv, env = server_venv
    code = ("import importlib, pkgutil, voucher_core, voucher_server\n"
            "mods = [m.name for p in (voucher_core, voucher_server) "
            "for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.') if '.migrations' not in m.name]\n"
            "for name in mods: importlib.import_module(name)\n"
            "print(len(mods), voucher_server.__file__)")
    count, where = _py(venv, code, env, tmp_path).split()
    assert int(count) > 60
    assert str(venv) in where and str(REPO) not in where  # the installed copy, not the source tree
    # each command's arguments parse (its module and what it imports at the top are there)
    help_all = ("import contextlib, io\nfrom voucher_server.cli import main\nfrom voucher_server.commands import "
                "build_parser\nsub = next(a for a in build_parser()._actions if a.dest == 'command')\n"
                "for name in sub.choices:\n    with contextlib.redirect_stdout(io.StringIO()):\n"
                "        try:\n            main([name, '--help'])\n        except SystemExit as e:\n"
                "            assert e.code == 0, (name, e.code)\nprint(len(sub.choices))")
    assert int(_py(venv, help_all, env, tmp_path)) >= 25


def _cli(venv: Path, env: dict[str, str], cwd: Path, *args: str) -> str:
    return _run([str(venv / "bin" / "voucher-server"), *args], cwd=cwd, env=env, timeout=300).stdout


def test_serves_the_api_and_the_console_and_runs_the_money_commands(
        server_venv: tuple[Path, dict[str, str]], pg_server: Any, tmp_path: Path) -> None:
    venv, env = server_venv
    db_url = pg_server()
    seed_path = tmp_path / "seed.json"
    _cli(venv, env, tmp_path, "seed-demo", "--db", db_url, "--json", str(seed_path))
    seed = json.loads(seed_path.read_text(encoding="utf-8"))
    server = ServerProcess(db_url, tmp_path, command=[str(venv / "bin" / "python"), "-m", "voucher_server.process"],
                           env=env, frozen=True, workers=1)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert http.get("/api/v1/health").status_code == 200
            login = http.get("/console/login")
            assert login.status_code == 200 and "<form" in login.text
            assert http.get("/openapi.json").json()["paths"]
            shop = next(t for t in seed["terminals"] if t["role"] == "merchant" and t["in_campaign"])
            voucher = next(v for v in seed["vouchers"] if v["state"] == "active")
            answer = http.post(f"/api/v1/vouchers/{voucher['code']}/redeem",
                               headers={"Authorization": f"Bearer {shop['token']}"},
                               json={"idempotency_key": "dist-test-redeem-1"})
            assert answer.status_code == 200, answer.text
    finally:
        server.stop()
    today = business_day(utc_now()).isoformat()
    statement = json.loads(_cli(venv, env, tmp_path, "statement", "--db", db_url, "--merchant", shop["merchant_id"],
                                "--from", today, "--to", today, "--json"))
    assert voucher["serial"] in json.dumps(statement)
    liability = json.loads(_cli(venv, env, tmp_path, "liability", "--db", db_url, "--at", today, "--json"))
    assert liability
    pdf = tmp_path / "sheets.pdf"
    _cli(venv, env, tmp_path, "print-vouchers", "--db", db_url, "--campaign", voucher["campaign"],
         "--pdf", str(pdf), "--limit", "8")
    assert pdf.read_bytes().startswith(b"%PDF")
