"""Compile resources/translations/*.ts into .qm files with pyside6-lrelease (run by the install step)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TRANSLATIONS = Path(__file__).resolve().parent.parent / "resources" / "translations"


def main() -> int:
    """Build every .ts file next to it; exit non-zero when lrelease fails."""
    sources = sorted(TRANSLATIONS.glob("*.ts"))
    if not sources:
        print("no translations to build")
        return 0
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    for ts in sources:
        qm = ts.with_suffix(".qm")
        # built beside and renamed: a till or a test process reading fr.qm meanwhile never sees half a file
        part = qm.with_name(f"{qm.name}.{os.getpid()}.part")
        try:
            subprocess.run([lrelease, "-silent", str(ts), "-qm", str(part)], check=True)
            os.replace(part, qm)
        finally:
            part.unlink(missing_ok=True)
        print(f"built {qm.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
