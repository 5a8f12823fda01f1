#!/usr/bin/env bash
# The till's own OpenCV for the Linux bundle: core, imgproc, imgcodecs (JPEG, PNG, WebP), videoio (V4L2 cameras and
# OpenCV's built-in MJPEG AVI reader/writer) and the Python bindings, as one static module
# cv2.cpython-3xx-*.so; no FFmpeg, GStreamer, GUI, LAPACK or other modules (the PyPI wheel weighs 150 MB in the
# bundle with its FFmpeg and OpenBLAS). Built from the PyPI sdist of the opencv-python-headless version the
# venv has, so the bundle's cv2 is the version the tests ran against. The dev/test venv keeps the PyPI wheel.
# Cached under build/opencv-till/: prints the module's path; a second run with the same version and options
# rebuilds nothing.
# Usage: installer/build_opencv.sh [venv]   (needs cmake, ninja or make, a C++17 compiler; 440 compilations at
# low priority: long on a busy machine)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-${VENV:-.venv}}
PY="$(cd "$VENV" && pwd)/bin/python"
VERSION=$("$PY" -c "import importlib.metadata as m; print(m.version('opencv-python-headless'))")
SUFFIX=$("$PY" -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
# What is built (the cache key is the OpenCV version and these options, not this script's comments).
# 3rd-party downloads (IPP, fonts, ADE...) are all switched off: the build needs no network past the sdist.
OPTIONS=(
	-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
	-DBUILD_LIST=core,imgproc,imgcodecs,videoio,python3,python_bindings_generator
	-DBUILD_opencv_python3=ON -DBUILD_opencv_python2=OFF -DOPENCV_SKIP_PYTHON_LOADER=ON -DPYTHON3_LIMITED_API=OFF
	-DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_WAYLAND=OFF -DWITH_V4L=ON
	-DWITH_1394=OFF -DWITH_OPENCL=OFF -DWITH_IPP=OFF -DWITH_ADE=OFF -DWITH_PROTOBUF=OFF -DWITH_EIGEN=OFF
	-DWITH_LAPACK=OFF -DWITH_UNIFONT=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_TIFF=OFF -DWITH_WEBP=ON
	-DWITH_OPENEXR=OFF -DWITH_AVIF=OFF -DWITH_JPEGXL=OFF -DWITH_SPNG=OFF -DWITH_PNG=ON -DBUILD_PNG=ON -DBUILD_WEBP=ON
	-DWITH_JPEG=ON -DBUILD_JPEG=ON -DBUILD_ZLIB=ON -DWITH_TBB=OFF -DWITH_OPENMP=OFF -DWITH_PTHREADS_PF=ON
	-DWITH_ITT=OFF -DWITH_OBSENSOR=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_GPHOTO2=OFF -DWITH_GDAL=OFF
	-DWITH_GDCM=OFF -DWITH_CUDA=OFF -DWITH_VTK=OFF -DWITH_KLEIDICV=OFF -DWITH_FLATBUFFERS=OFF -DWITH_MLAS=OFF
	-DWITH_DLPACK=OFF -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOCS=OFF
	-DBUILD_JAVA=OFF -DBUILD_opencv_apps=OFF -DENABLE_PRECOMPILED_HEADERS=OFF -DOPENCV_GENERATE_PKGCONFIG=OFF
	# run-time dispatch to AVX2 only (every x86-64 CPU since 2013; older ones run the SSE3 baseline): each
	# dispatched ISA compiles the hot kernels once more, and the four others cost minutes of a release build
	-DCPU_DISPATCH=AVX2
)
# Source paths end up in the module (OpenCV's error messages name their file): mapped to a fixed prefix, so the
# module does not depend on where the tree was unpacked (a release is rebuilt bit for bit: docs/install.md).
REPRO_FLAGS="-ffile-prefix-map=$(pwd)=."
KEY="$VERSION-$(printf '%s\n' "${OPTIONS[@]}" file-prefix-map | sha256sum | cut -c1-12)"
ROOT="$(pwd)/build/opencv-till"
OUT="$ROOT/$KEY/cv2$SUFFIX"
if [ -f "$OUT" ]; then
	echo "$OUT"
	exit 0
fi

mkdir -p "$ROOT/src"
SDIST="$ROOT/src/opencv_python_headless-$VERSION.tar.gz"
if [ ! -f "$SDIST" ]; then
	# the source of the same release (binary build dependencies are fine: only its opencv/ tree is used)
	"$PY" -m pip download -q --no-deps --no-binary opencv-python-headless \
		"opencv-python-headless==$VERSION" -d "$ROOT/src" >&2
fi
SRC="$ROOT/src/opencv_python_headless-$VERSION"
[ -d "$SRC/opencv" ] || tar -xzf "$SDIST" -C "$ROOT/src"

WORK="$ROOT/work-$KEY"  # kept until the module is out: an interrupted build resumes where it stopped
mkdir -p "$WORK"
NUMPY_INC=$("$PY" -c "import numpy; print(numpy.get_include())")
PY_INC=$("$PY" -c "import sysconfig; print(sysconfig.get_paths()['include'])")
PY_LIB=$("$PY" -c "import sysconfig as s; print(s.get_config_var('LIBDIR') + '/' + s.get_config_var('LDLIBRARY'))")
GEN=$(command -v ninja >/dev/null && echo Ninja || echo "Unix Makefiles")
nice -n 15 cmake -G "$GEN" -S "$SRC/opencv" -B "$WORK" -Wno-dev "${OPTIONS[@]}" \
	-DPYTHON3_EXECUTABLE="$PY" -DPYTHON3_INCLUDE_DIR="$PY_INC" -DPYTHON3_LIBRARY="$PY_LIB" \
	-DPYTHON3_NUMPY_INCLUDE_DIRS="$NUMPY_INC" -DCMAKE_C_FLAGS="$REPRO_FLAGS" -DCMAKE_CXX_FLAGS="$REPRO_FLAGS" \
	>"$WORK/configure.log" 2>&1 \
	|| { tail -30 "$WORK/configure.log" >&2; exit 1; }
# two jobs at low priority: the build machine is shared
nice -n 15 cmake --build "$WORK" --target opencv_python3 -j "${OPENCV_JOBS:-2}" >"$WORK/build.log" 2>&1 \
	|| { tail -30 "$WORK/build.log" >&2; exit 1; }
BUILT=$(find "$WORK/lib" -name "cv2*$SUFFIX" | head -1)
[ -n "$BUILT" ] || { echo "no cv2 module built in $WORK" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
strip --strip-unneeded -o "$OUT.part" "$BUILT"
mv "$OUT.part" "$OUT"
rm -rf "$WORK"
echo "$OUT"
