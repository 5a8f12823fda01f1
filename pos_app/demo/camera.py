"""What the demo's simulated camera shows: demo vouchers sliding over a counter (a generated video, cached)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

# --- demo vouchers and the simulated camera --------------------------------------------------------------

def demo_codes(seed: dict[str, Any]) -> list[dict[str, Any]]:
    """What the simulated camera shows, in order: two active vouchers, the first again (already redeemed
    on the second pass), one unsold (issued), one of the expired campaign. Each item: code, serial,
    expect (the verdict a cashier should see)."""
    vouchers = seed.get("vouchers", [])
    campaigns = {c["id"]: c for c in seed.get("campaigns", [])}
    today = time.strftime("%Y-%m-%d", time.gmtime())
    active = [v for v in vouchers if v["state"] == "active" and campaigns.get(v["campaign"], {})
              .get("valid_until", "9999") >= today]
    unsold = [v for v in vouchers if v["state"] == "issued"]
    expired = [v for v in vouchers if campaigns.get(v["campaign"], {}).get("valid_until", "9999") < today]
    out: list[dict[str, Any]] = []
    for v, expect in ((active[0] if active else None, "accepted"), (active[1] if len(active) > 1 else None,
                      "accepted"), (active[0] if active else None, "already_redeemed"),
                      (unsold[0] if unsold else None, "not_activated"), (expired[0] if expired else None, "expired")):
        if v is not None:
            out.append({"code": v["code"], "serial": v["serial"], "campaign": v["campaign"], "expect": expect})
    return out


def qr_image(text: str, scale: int = 8) -> Any:
    """A QR code of ``text`` as a BGR numpy image with a white quiet zone (segno, no Qt)."""
    import io

    import cv2
    import numpy as np
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=4)
    img = cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_COLOR)
    return img


def make_simulated_video(codes: list[str], path: Path, serials: list[str] | None = None) -> Path:
    """The simulated camera's video: ``pos_app.scanning.synth.voucher_video`` (vouchers sliding over a counter)."""
    from pos_app.scanning.synth import voucher_video

    plan = voucher_video(path, codes, fps=15.0, serials=serials)
    return Path(plan.path)


def cached_demo_video(codes: list[dict[str, Any]]) -> Path:
    """The simulated camera's video, made once per set of demo codes (they are deterministic) and kept in the
    temp folder: making it costs seconds of the demo's start."""

    texts = [c["code"] for c in codes]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"pos_app_demo_video_{key}.avi"
    if not path.is_file() or path.stat().st_size == 0:
        part = path.with_suffix(f".{os.getpid()}.avi")  # atomic: two demos starting at once
        make_simulated_video(texts, part, [c["serial"] for c in codes])
        os.replace(part, path)
    return path


def webcam_available(index: int = 0) -> bool:
    """True when OpenCV can open and read a frame from webcam ``index``."""
    if os.environ.get("POS_APP_DEMO_NO_WEBCAM"):
        return False
    try:
        import cv2
    except ImportError:
        return False
    cap = cv2.VideoCapture(index)
    try:
        return bool(cap.isOpened() and cap.read()[0])
    finally:
        cap.release()


