"""Size of a PyInstaller one-folder bundle by part (MB, files), and compressed. Prints figures, no assertion.

    .venv/bin/python tools/bundle_sizes.py [dist/pos-app]          (also run by tools/dist_test.sh)
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

# first matching pattern (on the path inside _internal/) names the part
PARTS = [
    ("executable + every Python module (PYZ archive)", r"^pos-app \(executable\)$"),
    ("Qt: QtQuick/Qml (linked by Qt's FFmpeg multimedia backend)", r"^PySide6/Qt/lib/libQt6(Quick|Qml)"),
    ("Qt: FFmpeg (Qt's multimedia backend: sounds)", r"^PySide6/Qt/(lib/lib(av|sw)|plugins/multimedia)"),
    ("Qt: ICU (text, locales)", r"^PySide6/Qt/lib/libicu"),
    ("Qt: other libraries", r"^PySide6/Qt/lib/"),
    ("Qt: plugins", r"^PySide6/Qt/plugins/"),
    ("Qt: translations", r"^PySide6/Qt/translations/"),
    ("PySide6 bindings", r"^(PySide6|shiboken6)/"),
    ("OpenCV: cv2 module", r"^cv2[/.]"),  # the wheel's package, or the till's own one-file module
    # the wheel's OpenBLAS, or the system's reference LAPACK the spec puts in its place (installer/trim.py)
    ("OpenCV: BLAS/LAPACK (+ gfortran)", r"^(opencv_python_headless\.libs/lib(openblas|lapack|blas|gfortran|quadmath)"
                                         r"|lib(lapack|blas|gfortran|quadmath)\.so)"),
    ("OpenCV: FFmpeg and codecs (video files, streams)", r"^opencv_python_headless\.libs/"),
    ("numpy (and numpy.libs: OpenBLAS, when the wheel is bundled)", r"^numpy(\.libs)?/"),
    ("Python (libpython, stdlib)", r"^(libpython|python3|base_library\.zip|lib-dynload)"),
    ("cryptography", r"^(cryptography|_cffi_backend|cffi)"),
    ("embedded server deps", r"^(sqlalchemy|pydantic|pydantic_core|fastapi|starlette|uvicorn|alembic|anyio|greenlet"
                             r"|mako|h11|argon2|_argon2|click|sniffio|annotated)"),
    ("fpdf2, Pillow, fontTools (the demo server's PDFs)", r"^(PIL|pillow\.libs|fpdf|fontTools)"),
    ("zxing-cpp, zbar, segno", r"^(zxingcpp|libzbar|segno)"),
    ("app (pos_app, voucher_server, resources)", r"^(pos_app|voucher_server|resources)"),
    ("system libraries (X11, glib, pulse, ...)", r"^lib[^/]*\.so"),
]


def origins() -> dict[str, str]:
    """Where a shared library the bundle holds at the top of ``_internal/`` came from: PyInstaller 6.x moves
    them there, so its name is looked up in the wheels' ``*.libs/`` folders and Qt's ``lib/``."""
    found: dict[str, str] = {}
    for entry in map(Path, sys.path):
        if entry.name != "site-packages" or not entry.is_dir():
            continue
        for lib in [*entry.glob("*.libs/*"), *entry.glob("PySide6/Qt/lib/*")]:
            found.setdefault(lib.name, lib.relative_to(entry).as_posix())
    return found


def part_of(rel: str) -> str:
    for name, pattern in PARTS:
        if re.search(pattern, rel):
            return name
    return "other"


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/pos-app")
    internal = root / "_internal"
    sizes: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    came_from = origins()
    for path in root.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(internal).as_posix() if internal in path.parents else "pos-app (executable)"
        rel = came_from.get(rel, rel)
        part = part_of(rel)
        sizes[part] += path.stat().st_size
        counts[part] += 1
    total = sum(sizes.values())
    print(f"bundle {root}: {total / 2**20:.0f} MB in {sum(counts.values())} files")
    for part, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"  {size / 2**20:7.1f} MB {counts[part]:5d} files  {part}")
    tar = subprocess.run(["tar", "-C", str(root.parent), "-cf", "-", root.name], capture_output=True, check=True)
    gz = subprocess.run(["gzip", "-6"], input=tar.stdout, capture_output=True, check=True).stdout
    xz = subprocess.run(["xz", "-9", "-T1"], input=tar.stdout, capture_output=True, check=True).stdout
    print(f"compressed: tar.gz (gzip -6) {len(gz) / 2**20:.1f} MB, tar.xz (xz -9) {len(xz) / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
