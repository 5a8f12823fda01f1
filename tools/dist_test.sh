#!/usr/bin/env bash
# Build the one-folder bundle dist/pos-app/pos-app with PyInstaller and run its --selftest offscreen, in a
# clean environment (no venv on PATH, no PYTHONPATH, a throw-away HOME), so it proves the bundle stands alone.
# Prints: build time, bundle size, start time (--version), selftest time. Usage: tools/dist_test.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
BUNDLE="dist/pos-app/pos-app"

if [ "${1:-}" != "--no-build" ]; then
	"$PY" -c "import PyInstaller" 2>/dev/null || "$PY" -m pip install -q -e ".[bundle]"
	# compiled translations go into the bundle (no-op when there are no .ts files yet)
	"$PY" -m pos_app.i18n_build >/dev/null 2>&1 || echo "warning: translations not compiled" >&2
	OWN_PATH=""  # folders put first on the path of the checks: the till's own builds
	NUMPY_PATH=""  # ... and of PyInstaller (the spec takes the own cv2 module from POS_APP_CV2_MODULE)
	# numpy's build runs beside OpenCV's: each has long single-threaded stretches (configure, OpenCV's one big
	# bindings file, numpy's build tools download and meson setup), so together they keep both cores busy
	numpy_log=""
	if [ "$(uname -s)" = Linux ] && [ "${POS_APP_NUMPY:-own}" = own ]; then
		# numpy without OpenBLAS (the till does no linear algebra), cached under build/numpy-till/
		numpy_log=$(mktemp)
		t_numpy=$(date +%s.%N)
		installer/build_numpy.sh "$VENV" >"$numpy_log" 2>&1 &
		numpy_pid=$!
	fi
	if [ "$(uname -s)" = Linux ] && [ "${POS_APP_OPENCV:-own}" = own ]; then
		# the till's own OpenCV (no FFmpeg, no OpenBLAS) in place of the venv's PyPI wheel, built once, then
		# cached under build/opencv-till/ (POS_APP_OPENCV=wheel bundles the wheel: docs/install.md)
		t0=$(date +%s.%N)
		POS_APP_CV2_MODULE=$(installer/build_opencv.sh "$VENV")
		export POS_APP_CV2_MODULE
		t1=$(date +%s.%N)
		printf 'OpenCV for the till: %s (%.0f s)\n' "$POS_APP_CV2_MODULE" "$(echo "$t1 - $t0" | bc)"
		OWN_PATH="$(dirname "$POS_APP_CV2_MODULE")"
	fi
	if [ -n "$numpy_log" ]; then
		wait "$numpy_pid" || { cat "$numpy_log" >&2; exit 1; }
		numpy_dir=$(tail -1 "$numpy_log")
		t1=$(date +%s.%N)
		printf 'numpy for the till: %s (%.0f s, beside OpenCV)\n' "$numpy_dir" "$(echo "$t1 - $t_numpy" | bc)"
		rm -f "$numpy_log"
		OWN_PATH="$numpy_dir${OWN_PATH:+:$OWN_PATH}"
		NUMPY_PATH="$numpy_dir"
	fi
	if [ -n "$OWN_PATH" ]; then
		if [ -n "${POS_APP_CV2_MODULE:-}" ]; then
			# every cv2 name the app uses is there, JPEG/PNG/WebP and MJPG AVI work (before PyInstaller spends minutes)
			PYTHONPATH="$OWN_PATH" "$PY" installer/check_cv2.py "$POS_APP_CV2_MODULE"
		fi
		# the scanning tests (real photos, videos, motion scenes) read with the bundle's builds what they read with
		# the PyPI wheels; an HTTP camera, which needs the FFmpeg the own OpenCV leaves out, is said unsupported
		PYTHONPATH="$OWN_PATH" QT_QPA_PLATFORM=offscreen "$PY" -m pytest -q -p no:cacheprovider -n auto tests/scanning
	fi
	t0=$(date +%s.%N)
	PYTHONPATH="$NUMPY_PATH" "$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
		--workpath build/pyinstaller installer/pos-app.spec
	t1=$(date +%s.%N)
	printf 'build time: %.0f s\n' "$(echo "$t1 - $t0" | bc)"
fi

[ -x "$BUNDLE" ] || { echo "no bundle at $BUNDLE" >&2; exit 1; }
printf 'bundle size: %s (%s files)\n' "$(du -sh dist/pos-app | cut -f1)" "$(find dist/pos-app -type f | wc -l)"
"$PY" tools/bundle_sizes.py dist/pos-app

SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
clean_env=(env -i "PATH=/usr/bin:/bin" "HOME=$SANDBOX" "LANG=C.UTF-8" "QT_QPA_PLATFORM=offscreen"
	"POS_APP_DEMO_NO_WEBCAM=1" "XDG_RUNTIME_DIR=$SANDBOX")

# start time: the bundle's cold-ish process start to exit (--version: the bootloader + Python + our CLI)
t0=$(date +%s.%N)
"${clean_env[@]}" "$REPO/$BUNDLE" --version
t1=$(date +%s.%N)
printf 'start time (--version): %.2f s\n' "$(echo "$t1 - $t0" | bc)"

t0=$(date +%s.%N)
cd "$SANDBOX"
if "${clean_env[@]}" "$REPO/$BUNDLE" --selftest --home "$SANDBOX/till"; then rc=0; else rc=$?; fi
t1=$(date +%s.%N)
echo  # (zxing-cpp's nanobind may print a leak notice without a final newline at exit)
printf 'selftest time (window + decode + embedded server + redeem + PDF): %.2f s, exit %d\n' \
	"$(echo "$t1 - $t0" | bc)" "$rc"
[ "$rc" = 0 ] || exit "$rc"

# the demo from the bundle: window shown, the simulated camera's first voucher accepted, quit, exit 0, its
# embedded server gone
t0=$(date +%s.%N)
demo_log="$SANDBOX/demo.log"
if "${clean_env[@]}" POS_APP_DEMO_EXIT_AFTER_S=30 "$REPO/$BUNDLE" --demo --home "$SANDBOX/demo-till" 2>"$demo_log"; then
	rc=0
else
	rc=$?
fi
t1=$(date +%s.%N)
shown=$(grep "^demo window shown" "$demo_log" || true)
scan=$(grep "^demo scan" "$demo_log" || true)
printf 'demo (start, window, first scan, quit): %.2f s, exit %d; %s; %s\n' "$(echo "$t1 - $t0" | bc)" "$rc" \
	"$shown" "$scan"
[ -n "$shown" ] || { cat "$demo_log" >&2; echo "FAIL: the demo window never showed" >&2; exit 1; }
case "$scan" in *accepted*) ;; *) cat "$demo_log" >&2; echo "FAIL: no accepted demo scan" >&2; exit 1 ;; esac
[ "$rc" = 0 ] || exit "$rc"
server_pid=$(echo "$shown" | awk '{print $6}')
sleep 1
if kill -0 "$server_pid" 2>/dev/null; then echo "FAIL: demo server $server_pid still running" >&2; exit 1; fi

# the demo server's PDF stack from the bundle (fpdf2, Pillow; loaded only when a PDF is made): the demo's sheet
# of vouchers to print
t0=$(date +%s.%N)
pdf_env=("${clean_env[@]}" "VOUCHER_SERVER_SECRET=pos-app-demo-secret")
"${pdf_env[@]}" "$REPO/$BUNDLE" --voucher-server seed-demo --db "sqlite:///$SANDBOX/pdf.sqlite3" \
	--json "$SANDBOX/seed.json" >/dev/null
"${pdf_env[@]}" "$REPO/$BUNDLE" --voucher-server print-vouchers --db "sqlite:///$SANDBOX/pdf.sqlite3" \
	--campaign BOOST24 --state active --limit 12 --pdf "$SANDBOX/sheet.pdf" >/dev/null
t1=$(date +%s.%N)
[ "$(head -c 5 "$SANDBOX/sheet.pdf" 2>/dev/null)" = "%PDF-" ] || { echo "FAIL: no voucher sheet PDF" >&2; exit 1; }
printf 'demo voucher sheet (seed, print-vouchers): %.2f s, %s bytes\n' "$(echo "$t1 - $t0" | bc)" \
	"$(stat -c %s "$SANDBOX/sheet.pdf")"

# nothing may be left running from the bundle
if pgrep -f "$REPO/$BUNDLE --voucher-server" >/dev/null; then
	echo "FAIL: an embedded server outlived the selftest" >&2
	exit 1
fi
exit "$rc"
