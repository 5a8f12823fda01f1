"""Generated voucher scenes and videos (OpenCV): a simulated camera for the demo, the tests and the benchmark.

Everything is deterministic for a given seed. Videos are MJPG in .avi (works in opencv-python-headless here;
H.264 does not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

W, H = 1280, 720
FOURCC = "MJPG"


def voucher_image(text: str, serial: str = "", *, module_px: int = 6, label: str = "BON D'ACHAT 12,00 EUR"
                  ) -> np.ndarray:
    """A paper voucher (BGR): a QR code of ``text`` (segno), a title and the serial digits under it."""
    return voucher_with_box(text, serial, module_px=module_px, label=label)[0]


def voucher_with_box(text: str, serial: str = "", *, module_px: int = 6, label: str = "BON D'ACHAT 12,00 EUR"
                     ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """:func:`voucher_image` and the QR code's box (x0, y0, x1, y1) in the card."""
    import segno

    qr = segno.make_qr(text, error="m")
    matrix = np.array([[1 if v else 0 for v in row] for row in qr.matrix], dtype=np.uint8)
    border = 4
    matrix = np.pad(matrix, border)
    qr_img = np.where(np.kron(matrix, np.ones((module_px, module_px), np.uint8)) == 1, 20, 250).astype(np.uint8)
    qs = qr_img.shape[0]
    card_w = max(qs + 40, 420)
    card_h = qs + 130
    card = np.full((card_h, card_w, 3), (235, 245, 250), np.uint8)
    cv2.rectangle(card, (0, 0), (card_w - 1, 40), (90, 60, 160), -1)
    cv2.putText(card, label, (12, 28), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2, cv2.LINE_AA)
    x0 = (card_w - qs) // 2
    card[50:50 + qs, x0:x0 + qs] = qr_img[:, :, None]
    if serial:
        spaced = " ".join(serial[i:i + 4] for i in range(0, len(serial), 4))
        cv2.putText(card, spaced, (20, card_h - 25), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (30, 30, 30), 2, cv2.LINE_AA)
    cv2.rectangle(card, (0, 0), (card_w - 1, card_h - 1), (120, 120, 120), 2)
    return card, (x0 + border * module_px, 50 + border * module_px, x0 + qs - border * module_px,
                  50 + qs - border * module_px)


def barcode_card(text: str, symbology: str = "Code128", *, module_px: int = 3) -> np.ndarray:
    """A paper ticket (BGR) carrying a 1-D barcode of ``text`` (drawn by zxing-cpp) and its digits."""
    import zxingcpp

    bc = zxingcpp.create_barcode(text, getattr(zxingcpp.BarcodeFormat, symbology))
    bars = np.array(bc.to_image(scale=module_px, add_quiet_zones=True))
    bars = cv2.resize(bars, (bars.shape[1], 110), interpolation=cv2.INTER_NEAREST)
    bars = np.where(bars < 128, 25, 245).astype(np.uint8)
    card_w = bars.shape[1] + 40
    card = np.full((bars.shape[0] + 110, card_w, 3), (240, 246, 248), np.uint8)
    cv2.putText(card, "BON D'ACHAT", (20, 38), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (90, 60, 160), 2, cv2.LINE_AA)
    card[55:55 + bars.shape[0], 20:20 + bars.shape[1]] = bars[:, :, None]
    cv2.putText(card, text, (24, card.shape[0] - 18), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (30, 30, 30), 2, cv2.LINE_AA)
    cv2.rectangle(card, (0, 0), (card_w - 1, card.shape[0] - 1), (120, 120, 120), 2)
    return card


def counter_scene(seed: int = 0, size: tuple[int, int] = (W, H)) -> np.ndarray:
    """A shop counter seen by a webcam (BGR): wood-like gradient, clutter, printed text, sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    grain = np.sin(x * 60 + np.sin(y * 7) * 3) * 8
    base = 120 + 40 * y + grain
    img = np.clip(np.stack([base * 0.55, base * 0.75, base * 1.0], axis=2), 0, 255).astype(np.uint8)
    for _ in range(6):  # clutter: a till, a receipt pad, a phone...
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        rw, rh = int(rng.integers(60, 260)), int(rng.integers(40, 200))
        color = [int(c) for c in rng.integers(30, 230, 3)]
        cv2.rectangle(img, (cx, cy), (cx + rw, cy + rh), color, -1)
    for i in range(3):  # printed text (a poster, a receipt): edges that are not a code
        cv2.putText(img, "TICKET CB 12.50 EUR  MERCI", (int(rng.integers(0, w // 2)), int(rng.integers(40, h))),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.6 + 0.2 * i, (40, 40, 40), 1, cv2.LINE_AA)
    return np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)


def place(scene: np.ndarray, card: np.ndarray, center: tuple[float, float], *, scale: float = 1.0,
          angle_deg: float = 0.0, tilt: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Paste ``card`` into a copy of ``scene`` (scaled, rotated, perspective ``tilt`` 0..0.5).
    Returns the image and the card's 4 corners in the scene."""
    h, w = card.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    sw, sh = w * scale, h * scale
    # tilt: the top edge shorter than the bottom, as a card leaning back
    dx = sw * tilt / 2
    pts = np.array([[-sw / 2 + dx, -sh / 2], [sw / 2 - dx, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]], np.float32)
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    dst = pts @ rot.T + np.array(center, np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out = scene.copy()
    warped = cv2.warpPerspective(card, m, (scene.shape[1], scene.shape[0]), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (scene.shape[1], scene.shape[0]))
    out[mask > 127] = warped[mask > 127]
    return out, dst


# --- webcam degradations (benchmark) ------------------------------------------------------------------

def blur(img: np.ndarray, k: int = 7) -> np.ndarray:
    return cv2.GaussianBlur(img, (k | 1, k | 1), 0)


def motion_blur(img: np.ndarray, length: int = 15, angle_deg: float = 0.0) -> np.ndarray:
    line = np.zeros((length, length), np.float32)
    line[length // 2, :] = 1.0 / length
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle_deg, 1.0)
    kern = np.asarray(cv2.warpAffine(line, rot, (length, length)), np.float32)
    kern /= max(float(kern.sum()), 1e-6)
    return np.asarray(cv2.filter2D(img, -1, kern))


def dark(img: np.ndarray, gain: float = 0.25, noise: float = 4.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = img.astype(np.float32) * gain + rng.normal(0, noise, img.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def glare(img: np.ndarray, center: tuple[float, float], radius: float = 120.0, strength: float = 200.0
          ) -> np.ndarray:
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = (xx - center[0]) ** 2 + (yy - center[1]) ** 2
    spot = strength * np.exp(-d2 / (2 * radius * radius))
    return np.clip(img.astype(np.float32) + spot[:, :, None], 0, 255).astype(np.uint8)


def noisy(img: np.ndarray, sigma: float = 18.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(img.astype(np.float32) + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int = 12) -> np.ndarray:
    _ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("JPEG round trip failed")
    return np.asarray(decoded)


@dataclass(frozen=True)
class Scene:
    """A generated webcam-like frame with the code it holds (text "" for none)."""

    kind: str
    image: np.ndarray
    text: str


SCENE_KINDS = ("plain", "small", "rotated", "tilted", "blurred", "motion", "dark", "glare", "noisy", "jpeg")


def webcam_scenes(texts: list[str], seed: int = 0) -> list[Scene]:
    """For each text, one 1280x720 scene per kind in :data:`SCENE_KINDS`. All-digit texts are printed as a
    Code 128 ticket, others as a QR voucher. Degradations are strong enough that decoders differ."""
    rng = np.random.default_rng(seed)
    scenes: list[Scene] = []
    for i, text in enumerate(texts):
        bg = counter_scene(seed + i)
        card = barcode_card(text) if text.isdigit() else voucher_image(text, "", module_px=6)
        c = (float(rng.uniform(420, 860)), float(rng.uniform(300, 420)))
        ang = float(rng.uniform(-8, 8))

        def put(scale: float = 0.8, angle: float = ang, tilt: float = 0.0, _bg=bg, _card=card, _c=c):
            return place(_bg, _card, _c, scale=scale, angle_deg=angle, tilt=tilt)[0]

        scenes += [
            Scene("plain", put(), text),
            Scene("small", put(scale=float(rng.uniform(0.3, 0.4))), text),
            Scene("rotated", put(angle=float(rng.uniform(20, 160))), text),
            Scene("tilted", put(tilt=float(rng.uniform(0.35, 0.5)), angle=ang + 10), text),
            Scene("blurred", blur(put(), int(rng.choice([9, 11, 13]))), text),
            Scene("motion", motion_blur(put(), int(rng.integers(7, 12)), float(rng.uniform(0, 180))), text),
            Scene("dark", dark(put(), float(rng.uniform(0.1, 0.18)), 3.0, seed + i), text),
            Scene("glare", glare(put(), c, float(rng.uniform(60, 110)), float(rng.uniform(150, 230))), text),
            Scene("noisy", noisy(put(), float(rng.uniform(25, 40)), seed + i), text),
            Scene("jpeg", jpeg(put(scale=float(rng.uniform(0.45, 0.6))), int(rng.integers(6, 12))), text),
        ]
    return scenes


def blank_scenes(n: int, seed: int = 100) -> list[Scene]:
    """Counter scenes without any code (some with webcam degradations)."""
    out = []
    for i in range(n):
        img = counter_scene(seed + i)
        img = (noisy(img, 20, seed + i) if i % 3 == 1 else dark(img, 0.2, 3.0, seed + i) if i % 3 == 2 else img)
        out.append(Scene("blank", img, ""))
    return out


# --- videos -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VideoPlan:
    """What a generated video holds: per voucher, the frames where its code is fully in view."""

    path: Path
    fps: float
    frames: int
    in_view: list[tuple[str, int, int]]  # (text, first frame (1-based) the code is wholly in view, last frame)


def _writer(path: Path, fps: float) -> cv2.VideoWriter:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*FOURCC), fps, (W, H))
    if not w.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    return w


def voucher_video(path: str | Path, texts: list[str], *, fps: float = 30.0, slide_s: float = 0.7,
                  rest_s: float = 1.5, gap_s: float = 0.8, lead_s: float = 0.5, seed: int = 0,
                  serials: list[str] | None = None) -> VideoPlan:
    """Each voucher slides in from the right, rests in the middle, slides out left; then the next one.
    ``texts=[]`` gives a blank counter of ``lead_s + gap_s`` seconds."""
    path = Path(path)
    bg = counter_scene(seed)
    writer = _writer(path, fps)
    n = 0
    in_view: list[tuple[str, int, int]] = []
    try:
        for _ in range(int(lead_s * fps)):
            writer.write(bg)
            n += 1
        for k, text in enumerate(texts):
            card, (qx0, _qy0, qx1, _qy1) = voucher_with_box(text, (serials or [""] * len(texts))[k], module_px=6)
            cw = card.shape[1] * 0.8
            start_x, rest_x, end_x = W + cw / 2 + 10, W / 2, -cw / 2 - 10
            slide = max(1, int(slide_s * fps))
            first_full = last_seen = None
            path_x = ([start_x + (rest_x - start_x) * (i + 1) / slide for i in range(slide)]
                      + [rest_x] * int(rest_s * fps)
                      + [rest_x + (end_x - rest_x) * (i + 1) / slide for i in range(slide)])
            for x in path_x:
                frame, corners = place(bg, card, (x, H / 2), scale=0.8, angle_deg=3.0)
                n += 1  # frames are numbered from 1, like the scanner's frame_index
                # the code's horizontal span in the scene (the small rotation is ignored: +-2 px)
                left, right = corners[:, 0].min(), corners[:, 0].max()
                span = right - left
                code_l = left + span * qx0 / card.shape[1]
                code_r = left + span * qx1 / card.shape[1]
                if code_l >= 0 and code_r < W and first_full is None:
                    first_full = n
                if code_r >= 0 and code_l < W:
                    last_seen = n
                writer.write(frame)
            in_view.append((text, first_full if first_full is not None else -1, last_seen or -1))
            for _ in range(int(gap_s * fps)):
                writer.write(bg)
                n += 1
        if not texts:
            for _ in range(int(gap_s * fps)):
                writer.write(bg)
                n += 1
    finally:
        writer.release()
    return VideoPlan(path, fps, n, in_view)


def blank_video(path: str | Path, seconds: float = 2.0, fps: float = 30.0, seed: int = 0) -> VideoPlan:
    """A counter with no voucher."""
    return voucher_video(path, [], fps=fps, lead_s=seconds / 2, gap_s=seconds / 2, seed=seed)
