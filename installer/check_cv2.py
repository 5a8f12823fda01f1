"""Check the till's own OpenCV module (installer/build_opencv.sh) before it goes into the bundle: every ``cv2.X``
the app's source names exists, JPEG, PNG and WebP encode and decode, and an MJPG AVI written with OpenCV's built-in
writer reads back frame by frame (the demo's simulated camera). The bundle's --selftest then decodes vouchers
through the camera pipeline with it.

    PYTHONPATH=<folder of the module> .venv/bin/python installer/check_cv2.py <module path>

Run by tools/dist_test.sh; exits 1 with what is missing.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent


def used_names() -> set[str]:
    """The ``cv2.NAME`` the app's source uses (pos_app: the till, its demo and its scanning pipeline)."""
    names: set[str] = set()
    for path in (REPO / "pos_app").rglob("*.py"):
        names |= set(re.findall(r"\bcv2\.([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")))
    return names


def check(module: Path) -> list[str]:
    problems = []
    if Path(cv2.__file__).resolve() != module.resolve():
        problems.append(f"imported {cv2.__file__}, not {module}")
    problems += [f"cv2.{name} missing" for name in sorted(used_names()) if not hasattr(cv2, name)]
    img = np.zeros((120, 160, 3), np.uint8)
    cv2.putText(img, "VC1", (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2, cv2.LINE_AA)
    for ext in (".jpg", ".png", ".webp"):  # WebP: photos of vouchers (pos-app decode), the shared samples
        ok, data = cv2.imencode(ext, img)
        back = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if back is None or back.shape != img.shape:
            problems.append(f"{ext} encode/decode failed")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "camera.avi")
        writer = cv2.VideoWriter(path, cv2.VideoWriter.fourcc(*"MJPG"), 15, (160, 120))
        for i in range(5):
            writer.write(np.full((120, 160, 3), i * 40, np.uint8))
        writer.release()
        cap = cv2.VideoCapture(path)
        frames = 0
        while cap.isOpened():
            ok, _frame = cap.read()
            if not ok:
                break
            frames += 1
        cap.release()
        if frames != 5:
            problems.append(f"MJPG AVI: wrote 5 frames, read {frames} (built-in MJPEG reader/writer)")
    print(f"cv2 {cv2.__version__} from {cv2.__file__}: {len(used_names())} names used by pos_app checked",
          "; video I/O backends:", ", ".join(cv2.videoio_registry.getBackendName(b)
                                             for b in cv2.videoio_registry.getBackends()))
    return problems


if __name__ == "__main__":
    problems = check(Path(sys.argv[1]))
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    sys.exit(1 if problems else 0)
