"""The foundation's promises, run as a user would: the console script, and a core free of I/O libraries."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from pos_app import __version__

REPO = Path(__file__).resolve().parents[1]


def _pos_app(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "pos-app"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "pos_app.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_version() -> None:
    result = _pos_app("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pos-app {__version__}"


def test_verify_ledger_on_an_empty_home_exits_0(tmp_path: Path) -> None:
    home = tmp_path / "new till home"
    result = _pos_app("--home", str(home), "verify-ledger")
    assert result.returncode == 0, result.stderr
    assert "0 entries" in result.stdout
    assert (home / "till.sqlite3").is_file()
    # Twice: opening an existing home changes nothing.
    assert _pos_app("--home", str(home), "verify-ledger").returncode == 0


def test_verify_ledger_on_an_unusable_home_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "home").write_text("not a folder")
    result = _pos_app("--home", str(tmp_path / "home"), "verify-ledger")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "verify-ledger" in result.stderr


def test_core_imports_no_qt_network_storage_or_scanning() -> None:
    code = textwrap.dedent("""
        import importlib, pkgutil, sys
        import pos_app.core as core, voucher_core as shared
        names = [m.name for m in pkgutil.iter_modules(core.__path__, "pos_app.core.")]
        names += [m.name for m in pkgutil.iter_modules(shared.__path__, "voucher_core.")]
        for name in names:
            importlib.import_module(name)
        banned = ("PySide6", "requests", "sqlite3", "_sqlite3", "cv2", "pyzbar", "keyring", "shiboken6")
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in banned)
        print(len(names), ",".join(loaded))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.strip().split(" ", 1) if " " in result.stdout.strip() else (result.stdout.strip(), "")
    assert int(count) >= 9  # money, codes, campaigns, verdicts, claims, ledger, timeutil; daybook, carryover, closing
    assert loaded == "", f"the pure core pulled in: {loaded}"
