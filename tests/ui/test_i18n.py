"""French first: every user-visible string of pos_app/ui and pos_app/demo has a finished French translation in
fr.ts, and the .ts is complete (pyside6-lupdate finds no string it lacks)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "translations" / "fr.ts"


def _untranslated(ts: Path) -> list[str]:
    bad = []
    for message in ET.parse(ts).iter("message"):
        tr = message.find("translation")
        if tr is not None and tr.get("type") in ("vanished", "obsolete"):
            continue
        if tr is None or not (tr.text or "").strip() or tr.get("type") == "unfinished":
            bad.append(message.findtext("source") or "")
    return bad


def test_fr_ts_has_every_translation() -> None:
    assert not _untranslated(TS)


def test_lupdate_finds_no_new_string(tmp_path: Path) -> None:
    copy = tmp_path / "fr.ts"
    shutil.copy(TS, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    before = copy.read_bytes()
    sources = [str(REPO / "pos_app" / "ui"), str(REPO / "pos_app" / "demo")]
    done = subprocess.run([str(lupdate), "-extensions", "py", "-locations", "none", *sources,
                           "-ts", str(copy)], check=True, capture_output=True, text=True)
    assert "won't be updated" not in done.stdout + done.stderr
    assert "Found" in done.stdout + done.stderr
    del before
    missing = _untranslated(copy)
    assert not missing, f"strings without French translation (run resources/translations/fill_fr.py): {missing}"
