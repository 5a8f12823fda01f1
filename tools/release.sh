#!/usr/bin/env bash
# Rebuild a release of the till's Linux bundle from a tag, bit for bit (docs/install.md, "Rebuilding a release").
# The same tag, the same build image (Debian 12, the same compiler and Python), the same build folder and the
# pinned versions of installer/release-constraints.txt give the same archive: everything that would otherwise vary
# is fixed here (file times, the order of files in the archive, Python's hash seed, source paths in the compiled
# modules). Usage: tools/release.sh TAG [OUT_DIR]     prints the archive's path and SHA-256.
set -euo pipefail
TAG=${1:?usage: tools/release.sh TAG [OUT_DIR]}
OUT=${2:-$(pwd)/release}
REPO=$(cd "$(dirname "$0")/.." && pwd)
# fixed: paths of the build end up in byte code and in compiled modules
ROOT=/var/tmp/pos-app-release
WORK="$ROOT/pos-app"
rm -rf "$ROOT"
mkdir -p "$ROOT"
# the checks before bundling read the shared barcode photos beside the tree, as in any checkout
ln -s "$(cd "$REPO/../shared" && pwd)" "$ROOT/shared"
git clone -q --no-local "$REPO" "$WORK"
git -C "$WORK" -c advice.detachedHead=false checkout -q "refs/tags/$TAG"
cd "$WORK"
# One date for every file: the tag's commit time. PyInstaller, pip and tar all read SOURCE_DATE_EPOCH.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH PYTHONHASHSEED=0 PIP_CONSTRAINT="$WORK/installer/release-constraints.txt"
export PIP_NO_CACHE_DIR=1 TZ=UTC LC_ALL=C.UTF-8
make dist
mkdir -p "$OUT"
ARCHIVE="$OUT/pos-app-$TAG-linux-x86_64.tar.xz"
# sorted names, one owner, one mtime: the archive depends only on the files' bytes and modes
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	-C dist -cf - pos-app | xz -9 -T1 >"$ARCHIVE"
sha256sum "$ARCHIVE"
