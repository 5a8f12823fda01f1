"""Generated webcam frames of a voucher moved across the camera (motion blur), for the benchmark and tests.

Deterministic for a given seed. As a webcam sees a waved voucher: blur of 6-25 px in any direction (0-180 degrees),
of the card alone (the customer moves it, the counter stays sharp) or of the whole frame (the camera moves, or a
long exposure), sensor noise after the blur, then a JPEG round trip at quality 70-90 (an MJPEG stream). The
project's seeds (:data:`PROJECT_SEEDS`) are the ones tuned on; :data:`HELD_OUT_SEEDS` are run by bench/decode.py
only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .deblur import line_psf
from .synth import H, W, barcode_card, counter_scene, jpeg, voucher_image

MOTION_SYMBOLOGIES = ("QRCode", "Code128", "EAN13")


@dataclass(frozen=True)
class MotionScene:
    """A 720p frame with one motion-blurred code: its symbology, text, blur length (px) and angle (degrees)."""

    symbology: str
    image: np.ndarray
    text: str
    length: int
    angle: float
    whole_frame: bool = False
    quality: int | None = None


def ean13_with_check(digits12: str) -> str:
    """The 13-digit EAN of 12 digits (check digit appended)."""
    s = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits12))
    return digits12 + str((10 - s % 10) % 10)


def _card(symbology: str, text: str, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The printed card and the scale it is seen at (a voucher held 20-35 cm from a 720p webcam)."""
    return _card_image(symbology, text), _card_scale(symbology, rng)


def _card_image(symbology: str, text: str) -> np.ndarray:
    if symbology == "QRCode":
        return voucher_image(text, "", module_px=6)
    return barcode_card(text, symbology, module_px=3)


def _card_scale(symbology: str, rng: np.random.Generator) -> float:
    return float(rng.uniform(0.9, 1.15)) if symbology == "QRCode" else float(rng.uniform(1.0, 1.3))


def moving_scene(bg: np.ndarray, card: np.ndarray, center: tuple[float, float], scale: float, rot_deg: float,
                 length: int, angle: float, noise_seed: int, *, whole_frame: bool = False, noise: float = 3.0,
                 quality: int | None = None) -> np.ndarray:
    """``card`` pasted on ``bg`` smeared by a line PSF, then sensor noise, then (``quality``) a JPEG round trip
    as an MJPEG webcam sends it. Card-only: the card moves, the counter does not; ``whole_frame``: the camera
    moves (or a long exposure), everything is smeared alike."""
    h, w = card.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rot_deg, scale)
    m[:, 2] += np.array(center) - np.array([w / 2, h / 2])
    layer = cv2.warpAffine(card, m, (bg.shape[1], bg.shape[0]), flags=cv2.INTER_LINEAR).astype(np.float32)
    alpha = cv2.warpAffine(np.ones((h, w), np.float32), m, (bg.shape[1], bg.shape[0]), flags=cv2.INTER_LINEAR)
    psf = line_psf(length, angle)
    out = bg.astype(np.float32)
    if whole_frame:
        out = np.asarray(cv2.filter2D(out * (1.0 - alpha[:, :, None]) + layer, -1, psf), np.float32)
    else:
        # only around the card (fast): premultiplied, so colour*alpha and alpha are blurred alike
        ys, xs = np.nonzero(alpha > 0)
        if len(xs):
            p = psf.shape[0]
            y0, y1 = max(0, ys.min() - p), min(bg.shape[0], ys.max() + p + 1)
            x0, x1 = max(0, xs.min() - p), min(bg.shape[1], xs.max() + p + 1)
            lay = cv2.filter2D(layer[y0:y1, x0:x1], -1, psf)
            alp = cv2.filter2D(alpha[y0:y1, x0:x1], -1, psf)[:, :, None]
            out[y0:y1, x0:x1] = out[y0:y1, x0:x1] * (1.0 - alp) + lay
    rng = np.random.default_rng(noise_seed)
    out += rng.normal(0, noise, out.shape)
    img = np.clip(out, 0, 255).astype(np.uint8)
    return img if quality is None else jpeg(img, quality)


# The motion scenes' angle bands (degrees, 0 = horizontal): each set spreads its frames evenly over them.
ANGLE_BANDS = ((0, 30), (30, 60), (60, 90), (90, 120), (120, 150), (150, 180))
BLUR_RANGE = (6, 25)
# The seeds tuned on (bench/decode.py, tests) and the held-out ones, never looked at while tuning.
PROJECT_SEEDS = tuple(range(1, 9))
HELD_OUT_SEEDS = tuple(range(101, 109))


@dataclass(frozen=True)
class Smear:
    """How one motion scene is made: blur length (px) and angle, whole frame or card only, noise, JPEG quality."""

    length: int
    angle: float
    whole_frame: bool
    noise: float
    quality: int


def smears(n: int, rng: np.random.Generator) -> list[Smear]:
    """``n`` smears as a webcam sees a waved voucher: angles 0-180 spread evenly over :data:`ANGLE_BANDS`, lengths
    spread over :data:`BLUR_RANGE` (in shuffled order), half of them over the whole frame, noise sigma 2-5, then
    MJPEG at quality 70-90."""
    lo, hi = BLUR_RANGE
    lengths = [lo + round(i * (hi - lo) / max(1, n - 1)) for i in range(n)]
    order = rng.permutation(n)
    out = []
    for i in range(n):
        b0, b1 = ANGLE_BANDS[i % len(ANGLE_BANDS)]
        out.append(Smear(int(lengths[int(order[i])]), float(rng.uniform(b0, b1)), bool(rng.random() < 0.5),
                         float(rng.uniform(2.0, 5.0)), int(rng.integers(70, 91))))
    return out


def motion_scenes(texts: dict[str, list[str]], seed: int = 0, only: Collection[int] | None = None
                  ) -> list[MotionScene]:
    """One frame per text: the code of its symbology (``MOTION_SYMBOLOGIES``) on a cluttered counter, smeared as
    :func:`smears` says (any direction, 6-25 px, card or whole frame, noise, JPEG). ``only``: the indices of the
    frames to render (the same frames as in the whole set, for tests that need a few)."""
    rng = np.random.default_rng(seed)
    out: list[MotionScene] = []
    k = 0
    for sym in MOTION_SYMBOLOGIES:
        sym_texts = texts.get(sym, [])
        for text, sm in zip(sym_texts, smears(len(sym_texts), rng), strict=True):
            scale = _card_scale(sym, rng)
            center = (float(rng.uniform(420, 860)), float(rng.uniform(300, 420)))
            rot = float(rng.uniform(-8, 8))
            if only is None or k in only:
                bg = counter_scene(seed * 1000 + k)
                img = moving_scene(bg, _card_image(sym, text), center, scale, rot, sm.length, sm.angle,
                                   seed * 1000 + k, whole_frame=sm.whole_frame, noise=sm.noise, quality=sm.quality)
                out.append(MotionScene(sym, img, text, sm.length, sm.angle, sm.whole_frame, sm.quality))
            k += 1
    return out


def motion_texts(n: int, serial: Callable[[int], str]) -> dict[str, list[str]]:
    """``n`` texts per symbology: QR voucher texts, 12-digit Code 128 serials, EAN-13 numbers."""
    sig = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3 + "ABCDEFG"
    return {"QRCode": [f"VC1:DEMO:K1:{serial(3000 + i)}:{sig}" for i in range(n)],
            "Code128": [serial(4000 + i) for i in range(n)],
            "EAN13": [ean13_with_check(f"{(977000000000 + 7919 * i) % 10**12:012d}") for i in range(n)]}


def motion_video(path: str | Path, text: str, symbology: str = "QRCode", *, speed_px: int = 18, fps: float = 30.0,
                 span: tuple[float, float] | None = None, seed: int = 0) -> int:
    """An MJPG .avi of one card swept right to left across the counter (``span``: from, to x of its centre;
    by default the whole frame) at ``speed_px`` per frame, each frame smeared by that motion (a 1/30 s exposure
    of a waved voucher). Returns the number of frames."""
    rng = np.random.default_rng(seed)
    bg = counter_scene(seed)
    card, scale = _card(symbology, text, rng)
    half = card.shape[1] * scale / 2
    start, end = span or (W + half, -half)
    xs = np.arange(start, end, -float(speed_px))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (W, H))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    try:
        for i, x in enumerate(xs):
            writer.write(moving_scene(bg, card, (float(x), H / 2), scale, 3.0, speed_px, 0.0, seed + i))
    finally:
        writer.release()
    return len(xs)


@dataclass(frozen=True)
class WaveClip:
    """A video of a card waved through the view and then held still: ``still_from`` is the (1-based) index of the
    first frame where it no longer moves."""

    path: Path
    frames: int
    still_from: int


def wave_and_hold_video(path: str | Path, text: str, symbology: str = "QRCode", *, fps: float = 30.0,
                        hold_frames: int = 30, seed: int = 0) -> WaveClip:
    """An MJPG .avi of a customer's gesture: the card sweeps in from the right edge past the middle (30 px per
    frame, drifting up), comes back (20 px per frame, drifting down), then is held still in the middle for
    ``hold_frames`` frames. Each moving frame is smeared by that frame's motion (a 1/30 s exposure)."""
    rng = np.random.default_rng(seed)
    bg = counter_scene(seed)
    card, scale = _card(symbology, text, rng)
    half = card.shape[1] * scale / 2
    rest = (W / 2, H / 2)
    path_pts: list[tuple[float, float]] = []
    for x in np.arange(W + half, 300.0, -30.0):  # in, fast, leftwards and up
        path_pts.append((float(x), rest[1] + 60 - 60 * (W + half - x) / (W + half - 300)))
    for x in np.arange(300.0, rest[0], 20.0):  # back, slower, rightwards and down
        path_pts.append((float(x), rest[1] + 30 * (x - 300) / (rest[0] - 300)))
    path_pts += [rest] * hold_frames
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (W, H))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    try:
        prev = path_pts[0]
        for i, (x, y) in enumerate(path_pts):
            dx, dy = x - prev[0], y - prev[1]
            length = max(1, round(float(np.hypot(dx, dy))))
            angle = float(np.degrees(np.arctan2(-dy, dx))) % 180.0
            writer.write(moving_scene(bg, card, (x, y), scale, 3.0, length, angle, seed + i))
            prev = (x, y)
    finally:
        writer.release()
    # 0-based, the first frame at rest still carries the last step's smear: the card is still from the next one
    return WaveClip(Path(path), len(path_pts), len(path_pts) - hold_frames + 2)


def blurred_clutter_scenes(n: int, seed: int = 200) -> list[np.ndarray]:
    """Counters where something without a code moves (a hand-sized printed card, a receipt): must stay silent."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        bg = counter_scene(seed + i)
        card = np.full((220, 360, 3), (238, 244, 248), np.uint8)
        for k in range(5):  # printed lines: strong edges, no code
            cv2.putText(card, "TICKET 12,50 EUR  CB  MERCI"[k:], (10, 40 + 40 * k), cv2.FONT_HERSHEY_SIMPLEX,
                        0.8, (30, 30, 30), 2, cv2.LINE_AA)
        out.append(moving_scene(bg, card, (float(rng.uniform(400, 880)), float(rng.uniform(250, 470))),
                                float(rng.uniform(0.9, 1.3)), float(rng.uniform(-8, 8)), int(rng.integers(6, 26)),
                                float(rng.uniform(0, 180)), seed + i, quality=int(rng.integers(70, 91))))
    return out
