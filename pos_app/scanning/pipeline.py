"""The per-frame decoding pipeline of the live camera, tuned with bench/decode.py.

Measured on this machine (see docs/scanning.md): zxing-cpp's 1-D readers with rotation and its
multi-scale search cost most of its time on a 720p frame, and raw pyzbar costs 25-50 ms. So, per frame:

1. **ROI**: if a code was read recently, first decode a crop around it (a held voucher costs ~1 ms).
2. **Fast pass**: zxing-cpp on the whole grey frame without its rotation / downscale / invert search:
   QR and DataMatrix at half resolution (rotation-invariant anyway), the 1-D symbologies on the frame
   squeezed 3x vertically (see :meth:`FramePipeline.fast`). A dark frame gets one more try, stretched.
3. **Harder pass, only where a code-like region was seen**: a cheap edge-density map on a 1/4-scale frame
   finds blocks with dense edges in both directions (2-D code) or dense parallel edges (1-D); each region
   (at most ``max_regions``) is cropped at full resolution and tried with rotation, inversion, another
   binarizer, a 2x upscale for small codes, local contrast for dark ones, and pyzbar as a second opinion.
   Text and clutter also trigger it sometimes: that is the measured cost of an "empty" frame.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from .decoders import DecodedCode, PyzbarDecoder, ZxingDecoder, dedupe, linear_conflicts, to_gray
from .motion import MotionReader, around


@dataclass
class PipelineStats:
    """What the last frame cost (for the benchmark and debugging)."""

    ms: float = 0.0
    stage: str = ""  # roi, fast, hard, none
    regions: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class FramePipeline:
    """Decode one camera frame after another, remembering where the last code was."""

    def __init__(self, *, use_pyzbar: bool = True, max_regions: int = 2, roi_ttl_frames: int = 15,
                 edge_threshold: float = 4.0) -> None:
        self.fast_2d = ZxingDecoder(try_rotate=False, try_downscale=False, try_invert=False,
                                    symbologies=("QRCode", "DataMatrix"))
        self.fast_1d = ZxingDecoder(try_rotate=False, try_downscale=False, try_invert=False,
                                    symbologies=("Code128", "EAN13", "ITF", "Code39"))
        self.roi_dec = ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=False)
        self.hard = [ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=True),
                     ZxingDecoder(try_rotate=True, try_downscale=False, try_invert=False,
                                  binarizer="GlobalHistogram")]
        self.pyzbar = PyzbarDecoder() if use_pyzbar else None
        self.motion = MotionReader(use_pyzbar=use_pyzbar)
        self.max_regions = max_regions
        self.roi_ttl_frames = roi_ttl_frames
        self.edge_threshold = edge_threshold
        self._last_box: tuple[int, int, int, int] | None = None
        self._last_age = 0
        # regions that looked code-like but gave nothing (printed text, a patterned shirt): on a still counter
        # they come back every frame, so the costly harder pass retries them only every retry_frames frames
        self.retry_frames = 6
        self._failed: list[tuple[tuple[int, int, int, int], int]] = []
        self._frame_no = 0
        self.stats = PipelineStats()

    def reset(self) -> None:
        """Forget the last hit and the failed regions (a new camera, or a cold start in the benchmark)."""
        self._last_box = None
        self._failed = []

    def decode(self, img: np.ndarray) -> list[DecodedCode]:
        """Codes in one frame (BGR or grey). Points are in the frame's pixels."""
        t0 = time.perf_counter()
        self._frame_no += 1
        gray = to_gray(img)
        codes, stage, regions = self._decode_gray(gray)
        codes = self._trusted(gray, dedupe(codes), stage)
        if codes:
            self._remember(codes, gray.shape)
        else:
            self._last_age += 1
            if self._last_age > self.roi_ttl_frames:
                self._last_box = None
        st = self.stats
        st.ms = (time.perf_counter() - t0) * 1000.0
        st.stage, st.regions = stage, regions
        st.counts[stage] = st.counts.get(stage, 0) + 1
        return codes

    def _trusted(self, gray: np.ndarray, codes: list[DecodedCode], stage: str) -> list[DecodedCode]:
        """No verdict rather than a wrong one: linear codes that contradict each other at one place are dropped,
        and an EAN-13 (one check digit) read by zxing-cpp outside the motion path (which checks its own) is
        dropped when zbar reads another EAN-13 around it (seen: a 6 px blur read as another valid number by the
        squeezed 1-D pass, where zbar and zxing-cpp at full resolution read the true one)."""
        bad = linear_conflicts(codes)
        codes = [c for i, c in enumerate(codes) if i not in bad]
        eans = [c for c in codes if c.symbology == "EAN13" and c.points]
        if eans and stage != "motion" and self.pyzbar is not None:
            other = {c.text for c in self.pyzbar.decode(around(gray, eans)) if c.symbology == "EAN13"}
            codes = [c for c in codes if c.symbology != "EAN13" or not other or c.text in other]
        return codes

    def _decode_gray(self, gray: np.ndarray) -> tuple[list[DecodedCode], str, int]:
        if self._last_box is not None:
            x0, y0, x1, y1 = self._last_box
            found = _shift(self.roi_dec.decode(np.ascontiguousarray(gray[y0:y1, x0:x1])), x0, y0)
            if found:
                return found, "roi", 0
        found = self.fast(gray)
        if found:
            return found, "fast", 0
        bright = float(np.percentile(gray[::8, ::8], 99.5))
        if bright < 70:
            # a dark frame (dim shop, cheap webcam): stretch the grey levels, measured to recover some
            # 1-D codes that zxing-cpp's binarizer misses at 3-4 grey levels of contrast (~1 ms each)
            lut = np.clip(np.arange(256) * (255.0 / max(bright, 1.0)), 0, 255).astype(np.uint8)
            found = self.fast(cv2.LUT(gray, lut))
            if found:
                return found, "dark", 0
        boxes = code_like_regions(gray, self.edge_threshold, self.max_regions)
        self.motion.new_frame()
        self._failed = [(b, n) for b, n in self._failed if self._frame_no - n < self.retry_frames]
        tried = 0
        for box in boxes:
            if any(_iou(box, b) > 0.5 for b, _n in self._failed):
                continue
            tried += 1
            found = self.motion.read(gray, box, boxes)
            if found:
                return found, "motion", len(boxes)
            found = self._hard_region(gray, box)
            if found:
                return found, "hard", len(boxes)
            self._failed.append((box, self._frame_no))
        return [], "none" if tried == len(boxes) else "skipped", len(boxes)

    def fast(self, gray: np.ndarray) -> list[DecodedCode]:
        """The cheap whole-frame pass: 2-D codes at half resolution; 1-D codes on a frame squeezed 3x vertically.

        Half resolution for 2-D: at full resolution, sensor noise gives zxing-cpp's finder-pattern search many
        candidates (measured 12-15 ms on a noisy empty 720p frame); small codes missed here are found by the
        region test and read at full resolution in the harder pass. Bars are vertical, so averaging 3 rows
        loses nothing across them, removes two thirds of the scan lines
        zxing-cpp's 1-D readers walk, and averages sensor noise away (measured: more 1-D hits, and the worst
        case on a noisy empty frame drops from ~20 ms to ~3 ms).
        """
        h, w = gray.shape
        half = cv2.resize(gray, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        found = [DecodedCode(c.text, c.symbology, tuple((x * 2, y * 2) for x, y in c.points))
                 for c in self.fast_2d.decode(half)]
        squeezed = cv2.resize(gray, (w, max(1, h // 3)), interpolation=cv2.INTER_AREA)
        found += [DecodedCode(c.text, c.symbology, tuple((x, y * 3) for x, y in c.points))
                  for c in self.fast_1d.decode(squeezed)]
        return found

    def _hard_region(self, gray: np.ndarray, box: tuple[int, int, int, int]) -> list[DecodedCode]:
        x0, y0, x1, y1 = box
        crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
        for dec in self.hard:
            found = dec.decode(crop)
            if found:
                return _shift(found, x0, y0)
        # small codes: upscale 2x with a light unsharp mask (soft webcam optics)
        if max(crop.shape) < 700:
            up = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
            up = cv2.addWeighted(up, 1.6, cv2.GaussianBlur(up, (0, 0), 2.0), -0.6, 0)
            found = self.hard[0].decode(up)
            if found:
                return _shift(_scale(found, 0.5), x0, y0)
        # dark or low-contrast: local contrast equalisation
        if float(crop.std()) < 40:
            eq = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(4, 4)).apply(crop)
            found = self.hard[0].decode(eq)
            if found:
                return _shift(found, x0, y0)
        if self.pyzbar is not None:
            # pyzbar's ITF has no check digit and reads short ITF in noise (seen on a generated noisy counter):
            # from the camera, trust only ITF of 8+ digits from it
            found = [c for c in self.pyzbar.decode(crop) if c.symbology != "ITF" or len(c.text) >= 8]
            if found:
                return _shift(found, x0, y0)
        return []

    def _remember(self, codes: list[DecodedCode], shape: tuple[int, ...]) -> None:
        pts = [p for c in codes for p in c.points]
        if not pts:
            return
        xs, ys = zip(*pts, strict=True)
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        m = max(w, h) // 2 + 40  # margin: the voucher moves between frames
        self._last_box = (max(0, min(xs) - m), max(0, min(ys) - m),
                          min(shape[1], max(xs) + m), min(shape[0], max(ys) + m))
        self._last_age = 0


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _shift(codes: list[DecodedCode], dx: int, dy: int) -> list[DecodedCode]:
    if not dx and not dy:
        return codes
    return [DecodedCode(c.text, c.symbology, tuple((x + dx, y + dy) for x, y in c.points)) for c in codes]


def _scale(codes: list[DecodedCode], f: float) -> list[DecodedCode]:
    return [DecodedCode(c.text, c.symbology, tuple((int(x * f), int(y * f)) for x, y in c.points)) for c in codes]


def code_like_regions(gray: np.ndarray, threshold: float = 4.0, max_regions: int = 2, scale: int = 4,
                      min_cells: int = 3, max_share: float = 0.35) -> list[tuple[int, int, int, int]]:
    """Boxes (full-resolution x0, y0, x1, y1) of code-like regions, most code-like first.

    Cheap (~1 ms on 720p): on a 1/``scale`` image, per 8x8 cell, the mean gradient magnitude divided by the
    cell's grey-level spread (+8). A barcode or QR code alternates dark and light at every module, so its
    cells score high whatever the light (measured: >= 4.4 on dark and blurred codes; <= 4.4 on the generated
    counters, printed text included); flat areas, gradients and single edges score low. Regions covering
    more than ``max_share`` of the frame (sensor noise everywhere) are not a located code and are skipped.
    """
    h, w = gray.shape
    small = cv2.resize(gray, (w // scale, h // scale), interpolation=cv2.INTER_AREA)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    cell = 8
    ch, cw = small.shape[0] // cell, small.shape[1] // cell

    def cell_mean(a: np.ndarray) -> np.ndarray:
        return cv2.resize(a[:ch * cell, :cw * cell], (cw, ch), interpolation=cv2.INTER_AREA)

    energy = cell_mean(np.abs(gx) + np.abs(gy))
    f32 = small.astype(np.float32)
    mean = cell_mean(f32)
    spread = np.sqrt(np.maximum(cell_mean(f32 * f32) - mean * mean, 0.0))
    score = energy / (spread + 8.0)
    mask = ((score >= threshold) & (spread >= 3.0)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    n, _labels, stats, _c = cv2.connectedComponentsWithStats(mask, connectivity=8)
    cands = []
    f = cell * scale
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area < min_cells or bw * bh > max_share * cw * ch:
            continue
        strength = float(score[y:y + bh, x:x + bw].sum())
        pad = 2 * f  # margin: quiet zone, finder patterns and bar ends fall outside the dense cells
        cands.append((strength, (max(0, x * f - pad), max(0, y * f - pad),
                                 min(w, (x + bw) * f + pad), min(h, (y + bh) * f + pad))))
    cands.sort(key=lambda c: -c[0])
    return [b for _s, b in cands[:max_regions]]
