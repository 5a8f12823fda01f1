#!/usr/bin/env bash
# numpy for the Linux bundle without a BLAS/LAPACK library: the till does no linear algebra (OpenCV does the image
# work, numpy's FFT is pocketfft), but the PyPI wheel's core links OpenBLAS, 28 MB with its gfortran and quadmath.
# numpy's own fallbacks (lapack_lite, plain loops) serve numpy.linalg and dot if anything ever calls them. Built
# from the sdist of the numpy version the venv has (the till's OpenCV is built against that version's headers),
# installed into a folder that tools/dist_test.sh puts first on PyInstaller's path; the dev/test venv keeps the
# PyPI wheel. Cached under build/numpy-till/: prints the folder; a second run rebuilds nothing.
# Usage: installer/build_numpy.sh [venv]   (needs a C/C++ compiler; pip fetches numpy's build tools)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-${VENV:-.venv}}
PY="$(cd "$VENV" && pwd)/bin/python"
VERSION=$("$PY" -c "import importlib.metadata as m; print(m.version('numpy'))")
OPTIONS=(-Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none -Csetup-args=-Dallow-noblas=true)
KEY="$VERSION-$(printf '%s\n' "${OPTIONS[@]}" | sha256sum | cut -c1-12)"
ROOT="$(pwd)/build/numpy-till"
OUT="$ROOT/$KEY"
if [ -f "$OUT/numpy/__init__.py" ]; then
	echo "$OUT"
	exit 0
fi
WORK="$ROOT/work-$KEY"
rm -rf "$WORK" "$OUT.part"
mkdir -p "$WORK"
nice -n 15 "$PY" -m pip wheel -q --no-deps --no-binary numpy "numpy==$VERSION" "${OPTIONS[@]}" -w "$WORK" \
	>"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; exit 1; }
"$PY" -m pip install -q --no-deps --no-compile --target "$OUT.part" "$WORK"/numpy-*.whl >&2
if find "$OUT.part" -name "*openblas*" | grep -q .; then echo "numpy built with OpenBLAS after all" >&2; exit 1; fi
mv "$OUT.part" "$OUT"
rm -rf "$WORK"
echo "$OUT"
