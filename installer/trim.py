"""What the bundle leaves out, used by installer/pos-app.spec (measured sizes in docs/install.md).

PyInstaller collects every Qt plugin of the modules the app imports and every library those plugins link; a few
of those plugins pull whole stacks the till never uses. The spec drops those plugins by name, then every shared
library that nothing kept still links (DT_NEEDED closure from the Python extensions, the kept Qt plugins and the
libraries loaded by name at run time).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

# Python packages the till never imports (the embedded demo server runs without them: uvicorn falls back to
# asyncio and h11). fpdf2 and Pillow stay: the demo's server makes PDFs (its voucher sheet, the console's
# documents), loading them when one is asked for; fontTools falls back from lxml to the standard library's
# ElementTree. Pillow's AVIF, WebP, FreeType and Tk extensions go (fpdf2 uses none; Pillow's plugins treat them
# as optional: 9 MB with libavif, libwebp, freetype, harfbuzz, brotli), and numpy's SIMD test module.
EXCLUDES = [
    "tkinter", "pytest", "hypothesis", "IPython", "matplotlib", "mypy", "ast_serialize",
    "psycopg", "psycopg_binary", "psycopg2", "asyncpg",
    "uvloop", "httptools", "watchfiles", "websockets", "yaml", "lxml",
    "PIL._avif", "PIL._webp", "PIL._imagingft", "PIL._imagingtk", "PIL.ImageTk", "numpy._core._simd",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick", "PySide6.Qt3DCore",
    "PySide6.QtQuick3D", "PySide6.QtCharts", "PySide6.QtDataVisualization", "PySide6.QtGraphs",
    "PySide6.QtDesigner", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtQml", "PySide6.QtQuick",
    "PySide6.QtQuickWidgets", "PySide6.QtOpenGLWidgets", "PySide6.QtVirtualKeyboard",
]

# Qt plugins that pull stacks the till never uses: the on-screen keyboard (QtQuick + Qml, 17 MB), the GTK
# platform theme (GTK 3, cairo, pango, atk: ~25 MB; Qt's own Fusion style is used instead), embedded-Linux
# platforms (eglfs, linuxfb, vnc), the PDF image format (QtPdf) and Qt's FFmpeg multimedia backend (36 MB with
# the FFmpeg, QtQuick and Qml it links): the till only plays WAVs with QSoundEffect, which QtMultimedia serves
# without any backend plugin (PulseAudio, loaded by name)
DROP_PLUGINS = re.compile(
    r"/plugins/(platforminputcontexts/libqtvirtualkeyboardplugin|platformthemes/libqgtk3|egldeviceintegrations/"
    r"|platforms/lib(qeglfs|qlinuxfb|qvnc|qvkkhrdisplay|qminimalegl)|imageformats/libqpdf|generic/"
    r"|multimedia/libffmpegmediaplugin)")

# loaded by name at run time, not linked: keep them and what they link
KEEP_BY_NAME = re.compile(r"^(libzbar|libssl|libcrypto|libpulse|libpython)")


def _needed(path: str) -> list[str]:
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def _is_root(dest: str) -> bool:
    name = os.path.basename(dest)
    if "/plugins/" in dest.replace("\\", "/"):
        return True
    if KEEP_BY_NAME.match(name):
        return True
    # a Python extension module (cpython-3xx, abi3) is imported, so it is a root of the closure
    return ".cpython-" in name or name.endswith(".abi3.so")


def trim_binaries(binaries: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``binaries`` (PyInstaller TOC: dest, source, kind) without the dropped plugins and the shared libraries
    nothing kept links any more. Returns the kept TOC and the dropped destinations. Linux only (ELF)."""
    if not sys.platform.startswith("linux"):
        return binaries, []
    kept = [b for b in binaries if not DROP_PLUGINS.search(b[0].replace("\\", "/"))]
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for b in kept:
        by_name.setdefault(os.path.basename(b[0]), []).append(b)
    todo = [b for b in kept if _is_root(b[0])]
    reached = {b[0] for b in todo}
    while todo:
        _dest, src, _kind = todo.pop()
        for lib in _needed(src):
            for dep in by_name.get(lib, []):
                if dep[0] not in reached:
                    reached.add(dep[0])
                    todo.append(dep)
    out = [b for b in kept if b[0] in reached]
    dropped = sorted(b[0] for b in binaries if b[0] not in reached)
    return out, dropped


def strip_copies(binaries: list[tuple[str, str, str]], workdir: str) -> tuple[list[tuple[str, str, str]], int]:
    """``binaries`` with the ones that carry symbols (libpython, lib-dynload, cryptography, numpy's core...)
    replaced by stripped copies under ``workdir``. Libraries repaired by auditwheel (``*.libs/``) are left alone:
    stripping them breaks their patched ELF layout (numpy's OpenBLAS then fails to load). Returns the TOC and the
    bytes saved. Linux only."""
    if not sys.platform.startswith("linux"):
        return binaries, 0
    out, saved = [], 0
    for dest, src, kind in binaries:
        sections = subprocess.run(["readelf", "-S", "-W", src], capture_output=True, text=True).stdout
        if kind == "SYMLINK" or ".libs/" in src.replace("\\", "/") or ".symtab" not in sections:
            out.append((dest, src, kind))
            continue
        copy = os.path.join(workdir, "stripped", dest)
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        if subprocess.run(["strip", "--strip-unneeded", "-o", copy, src], capture_output=True).returncode:
            out.append((dest, src, kind))
            continue
        saved += os.path.getsize(src) - os.path.getsize(copy)
        out.append((dest, copy, kind))
    return out, saved


def _system_lib(soname: str) -> str | None:
    """Path of a system library by soname (the dynamic loader's cache)."""
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.strip().startswith(soname + " ") and "=>" in line and "x86-64" in line:
            return os.path.realpath(line.split("=>")[1].strip())
    return None


def _symbols(path: str, defined: bool) -> set[str]:
    flag = "--defined-only" if defined else "--undefined-only"
    out = subprocess.run(["nm", "-D", flag, path], capture_output=True, text=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def lapack_shim(binaries: list[tuple[str, str, str]], workdir: str) -> tuple[list[tuple[str, str, str]], str]:
    """Serve OpenCV's 19 LAPACK/CBLAS calls with the system's reference LAPACK and BLAS (Debian: liblapack3,
    libblas3; 8 MB) instead of the 38 MB OpenBLAS the wheel carries: an empty library with OpenBLAS's name that
    links them (RPATH ``$ORIGIN``, so the bundled copies are found). Kept as is when a tool, a library or one of
    the symbols is missing. Returns the TOC and what was done. Linux only."""
    if not sys.platform.startswith("linux"):
        return binaries, "not Linux"
    blas = next((b for b in binaries if re.match(r"libopenblas", os.path.basename(b[0]))
                 and "opencv" in b[1].replace("\\", "/")), None)
    cv2_mod = next((b for b in binaries if os.path.basename(b[0]).startswith("cv2.")), None)
    libs = {name: _system_lib(name) for name in ("liblapack.so.3", "libblas.so.3", "libgfortran.so.5",
                                                 "libquadmath.so.0")}
    if blas is None or cv2_mod is None or not all(libs.values()):
        return binaries, f"kept OpenBLAS (missing: {[k for k, v in libs.items() if not v]})"
    wanted = _symbols(cv2_mod[1], defined=False) & _symbols(blas[1], defined=True)
    offered = _symbols(libs["liblapack.so.3"], True) | _symbols(libs["libblas.so.3"], True)  # type: ignore[arg-type]
    if not wanted or wanted - offered:
        return binaries, f"kept OpenBLAS (not in LAPACK/BLAS: {sorted(wanted - offered)})"
    name = os.path.basename(blas[0])
    shim = os.path.join(workdir, "lapack-shim", name)
    os.makedirs(os.path.dirname(shim), exist_ok=True)
    empty = shim + ".c"
    with open(empty, "w") as f:
        f.write("/* OpenCV's LAPACK and CBLAS symbols come from the libraries linked below */\n")
    cmd = ["gcc", "-shared", "-o", shim, empty, f"-Wl,-soname,{name}", "-Wl,--no-as-needed",
           "-Wl,--disable-new-dtags,-rpath,$ORIGIN", libs["liblapack.so.3"], libs["libblas.so.3"]]
    if subprocess.run(cmd, capture_output=True).returncode:
        return binaries, "kept OpenBLAS (gcc failed)"
    folder = os.path.dirname(blas[0])
    out = [b for b in binaries if b is not blas] + [(blas[0], shim, "BINARY")]
    out += [(os.path.join(folder, soname), path, "BINARY") for soname, path in libs.items()]  # type: ignore[misc]
    return out, f"OpenBLAS replaced by the reference LAPACK for {len(wanted)} symbols"
