"""Undoing the motion blur of a voucher moved across the camera (OpenCV + numpy, no Qt).

A uniform motion smears the code along a line: the frame is the sharp image convolved with a line kernel (PSF)
of the motion's length and angle. Its spectrum is multiplied by a sinc whose zeros repeat every N/L along the
motion, so the log-spectrum's inverse transform (the cepstrum) has a sharp negative peak at distance L in the
motion's direction (Rom, 1975): that gives both, in one FFT pair, on a code-like region. A Wiener filter with
that PSF then restores the bars and modules well enough for zxing-cpp (bench/decode.py, motion scenes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Blur shorter than this is read by the ordinary passes (and the QR's module period, 4-8 px on a webcam,
# would otherwise pass for a motion); longer than MAX_BLUR is not a code a person could still see.
MIN_BLUR = 9.0
MAX_BLUR = 40.0


@dataclass(frozen=True, slots=True)
class Motion:
    """An estimated uniform motion: length (px), angle (degrees, 0 = horizontal, counter-clockwise, 0..180)
    and how clearly the cepstrum shows it (peak depth in robust standard deviations of the search annulus)."""

    length: float
    angle: float
    strength: float


def line_psf(length: float, angle_deg: float, size: int | None = None) -> np.ndarray:
    """A normalised line kernel (uniform motion of ``length`` px at ``angle_deg``; 0 = horizontal), odd size."""
    size = size or (math.ceil(length) | 1) + 2
    kern = np.zeros((size, size), np.float32)
    c = (size - 1) / 2.0
    a = math.radians(angle_deg)
    dx, dy = math.cos(a) * (length - 1) / 2.0, -math.sin(a) * (length - 1) / 2.0
    ts = np.linspace(-1.0, 1.0, max(2, int(length * 4)), dtype=np.float32)
    xs, ys = c + ts * dx, c + ts * dy
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, ys - y0
    # bilinear splat of sub-pixel samples along the line: an anti-aliased segment
    for ox, oy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        xx, yy = x0 + ox, y0 + oy
        ok = (xx >= 0) & (xx < size) & (yy >= 0) & (yy < size)
        np.add.at(kern, (yy[ok], xx[ok]), wgt[ok])
    return kern / kern.sum()


_ANNULUS: dict[tuple[int, float], tuple[np.ndarray, np.ndarray]] = {}


def _annulus(n: int, lo: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices (rows, columns) of the centred cepstrum's search half-annulus lo..MAX_BLUR, n x n patch."""
    if (n, lo) not in _ANNULUS:
        yy, xx = np.mgrid[-n // 2:n // 2, -n // 2:n // 2]
        r = np.hypot(xx, yy)
        # half plane only: the cepstrum of a real image is symmetric
        m = (r >= lo) & (r <= MAX_BLUR) & ((yy < 0) | ((yy == 0) & (xx > 0)))
        rows, cols = np.nonzero(m)
        _ANNULUS[(n, lo)] = (rows, cols)
    return _ANNULUS[(n, lo)]


def estimate_motion(gray: np.ndarray, n: int = 256, lo: float = MIN_BLUR) -> Motion | None:
    """The dominant uniform motion of ``lo`` px or more in (the centre n x n of) a grey crop, or None when the
    crop is too small."""
    h, w = gray.shape
    if h < 64 or w < 64:
        return None
    n = min(n, 1 << int(math.log2(min(h, w))))
    y0, x0 = (h - n) // 2, (w - n) // 2
    patch = gray[y0:y0 + n, x0:x0 + n].astype(np.float32)
    win = _hann(n)
    patch = (patch - float(patch.mean())) * win
    # real cepstrum: |F| of a real image is symmetric, so half spectra do (numpy's pocketfft, ~1 ms at 256)
    ceps = np.fft.irfft2(np.log(np.abs(np.fft.rfft2(patch)) + 1e-3), s=(n, n))
    ceps = np.fft.fftshift(ceps)
    idx = _annulus(n, lo)
    vals = ceps[idx]
    k = int(np.argmin(vals))
    med = float(np.median(vals))
    mad = float(np.median(np.abs(vals - med))) * 1.4826 + 1e-9
    cy, cx = int(idx[0][k]), int(idx[1][k])
    # sub-pixel peak (a parabola through the neighbours on each axis): 1-D codes need the length to ~0.3 px
    dy = cy - n // 2 + _vertex(ceps[cy - 1, cx], ceps[cy, cx], ceps[cy + 1, cx])
    dx = cx - n // 2 + _vertex(ceps[cy, cx - 1], ceps[cy, cx], ceps[cy, cx + 1])
    angle = math.degrees(math.atan2(-dy, dx)) % 180.0
    return Motion(math.hypot(dx, dy), angle, (med - float(vals[k])) / mad)


def tile_motions(gray: np.ndarray, n: int = 256) -> list[Motion]:
    """The motion estimated on each n x n tile of a grey crop (non-overlapping, the last ones flush with the far
    edges), strongest first: where the crop holds sharp clutter beside the smeared code, its centre may not
    show the code's motion while a tile on the code does."""
    h, w = gray.shape
    if h < n or w < n:
        return []
    ys = sorted({*range(0, h - n + 1, n), h - n})
    xs = sorted({*range(0, w - n + 1, n), w - n})
    found = [estimate_motion(np.ascontiguousarray(gray[y:y + n, x:x + n]), n) for y in ys for x in xs]
    return sorted((m for m in found if m is not None), key=lambda m: -m.strength)


def same_motion(a: Motion, b: Motion) -> bool:
    """Whether two estimates describe one motion (within the cepstrum's precision on a code)."""
    d = abs(a.angle - b.angle) % 180.0
    return abs(a.length - b.length) < 1.0 and min(d, 180.0 - d) < 4.0


def _vertex(a: float, b: float, c: float) -> float:
    """Offset (-0.5..0.5) of the extremum of the parabola through (-1, a), (0, b), (1, c)."""
    den = a - 2.0 * b + c
    return 0.0 if abs(den) < 1e-12 else max(-0.5, min(0.5, 0.5 * (a - c) / den))


_HANN: dict[int, np.ndarray] = {}
_SLOTS: dict[tuple[int, int], np.ndarray] = {}


def _real_slots(h: int, w: int) -> np.ndarray:
    """1 where OpenCV's packed spectrum of an h x w real image stores a real part, 0 where an imaginary one."""
    if (h, w) not in _SLOTS:
        impulse = np.zeros((h, w), np.float32)
        impulse[0, 0] = 1.0
        _SLOTS[(h, w)] = cv2.dft(impulse)
    return _SLOTS[(h, w)]


def _hann(n: int) -> np.ndarray:
    if n not in _HANN:
        _HANN[n] = cv2.createHanningWindow((n, n), cv2.CV_32F)
    return _HANN[n]


def wiener(gray: np.ndarray, psf: np.ndarray, nsr: float = 0.01) -> np.ndarray:
    """``gray`` deconvolved by ``psf`` (Wiener filter, noise-to-signal ``nsr``), same size, uint8.

    The crop is mirrored at its borders first: a deconvolution assumes a periodic image and would otherwise
    ring along the crop's edges, across the code.
    """
    h, w = gray.shape
    k = psf.shape[0]
    pad = k + 8
    ph, pw = cv2.getOptimalDFTSize(h + 2 * pad), cv2.getOptimalDFTSize(w + 2 * pad)
    big = cv2.copyMakeBorder(gray, pad, ph - h - pad, pad, pw - w - pad, cv2.BORDER_REFLECT).astype(np.float32)
    # the kernel in the corner, not centred: only its first k rows are non-zero, which the DFT skips
    # (nonzeroRows); the restoration then comes out shifted by k // 2, taken back by the crop below
    kern = np.zeros((ph, pw), np.float32)
    kern[:k, :k] = psf
    # OpenCV's packed (CCS) spectra of real images: ~6x faster than complex ones here. conj(H) / (|H|^2 + nsr)
    # as two products: F * conj(H), then by a real, even spectrum 1 / (|H|^2 + nsr) that must be zero in the
    # packed imaginary slots (mask: the spectrum of a unit impulse, 1 in the real slots, 0 in the others)
    f_img = cv2.dft(big)
    f_psf = cv2.dft(kern, nonzeroRows=k)
    num = cv2.mulSpectrums(f_img, f_psf, 0, conjB=True)
    power = cv2.mulSpectrums(f_psf, f_psf, 0, conjB=True)
    inv = _real_slots(ph, pw) / (power + nsr)
    res = cv2.idft(cv2.mulSpectrums(num, inv, 0), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
    y0, x0 = pad - k // 2, pad - k // 2
    return np.clip(res[y0:y0 + h, x0:x0 + w], 0, 255).astype(np.uint8)


def smear_extent(gray: np.ndarray, box: tuple[int, int, int, int], min_spread: float = 14.0, scale: int = 4,
                 cell: int = 4) -> tuple[int, int, int, int]:
    """``box`` grown over the contrasted cells connected to it: the whole smeared code.

    Motion blur lowers the edge density that finds a code (the middle of a long barcode may not look code-like)
    but not the grey-level spread of its cells (16 px): blurred bars still swing between dark and light, while
    paper and counter are flat at that scale.
    """
    h, w = gray.shape
    small = cv2.resize(gray, (w // scale, h // scale), interpolation=cv2.INTER_AREA).astype(np.float32)
    ch, cw = small.shape[0] // cell, small.shape[1] // cell
    sm = small[:ch * cell, :cw * cell]
    mean = cv2.resize(sm, (cw, ch), interpolation=cv2.INTER_AREA)
    sq = cv2.resize(sm * sm, (cw, ch), interpolation=cv2.INTER_AREA)
    spread = np.sqrt(np.maximum(sq - mean * mean, 0.0))
    _n, labels = cv2.connectedComponents((spread >= min_spread).astype(np.uint8), connectivity=8)
    f = scale * cell
    bx0, by0 = box[0] // f, box[1] // f
    bx1, by1 = min(cw, -(-box[2] // f)), min(ch, -(-box[3] // f))
    inside = np.unique(labels[by0:by1, bx0:bx1])
    inside = inside[inside > 0]
    if not len(inside):
        return box
    ys, xs = np.nonzero(np.isin(labels, inside))
    x0, y0 = min(box[0], int(xs.min()) * f), min(box[1], int(ys.min()) * f)
    x1, y1 = max(box[2], (int(xs.max()) + 1) * f), max(box[3], (int(ys.max()) + 1) * f)
    # a component running off across the frame (clutter touching the code) is not the code: cap the growth
    cap = max(box[2] - box[0], box[3] - box[1])
    return (max(x0, box[0] - cap // 2), max(y0, box[1] - cap // 2), min(x1, box[2] + cap // 2),
            min(y1, box[3] + cap // 2))


def row_blur(img: np.ndarray, lo: float, hi: float) -> list[float]:
    """The horizontal smear (px) of a barcode from its rows' averaged cepstrum: the deepest dip between ``lo``
    and ``hi`` (sub-pixel) and a second one at least half as deep (a dip at half the length, boosted by the true
    one as its rahmonic, may win), best first; [] when the image is too narrow. Bars stand near vertical, so
    only a motion's horizontal part ``L |cos a|`` blurs them; averaging the rows' log-spectra keeps the sinc's
    zeros, which every row shares, and loses each row's own content."""
    h, w = img.shape
    d0, d1 = max(3, math.floor(lo)), math.ceil(hi)
    if w < 4 * d1 or h < 2:
        return []
    n = cv2.getOptimalDFTSize(w)
    rows = img.astype(np.float32)
    rows = (rows - rows.mean(axis=1, keepdims=True)) * _hann_row(w)
    ceps = np.fft.irfft(np.log(np.abs(np.fft.rfft(rows, n=n, axis=1)) + 1e-3).mean(axis=0), n=n)
    # the cepstrum falls with the distance: a dip is measured against its neighbours 3 px away, and the
    # sinc's rahmonic at twice the length (measured on the generated smears: the plain minimum often fell on the
    # search's far end, the card's own structure)
    idx = np.arange(d0, d1 + 1)
    twice = np.minimum(2 * idx, n // 2 - 4)
    score = _dip(ceps, idx) + 0.5 * np.where(2 * idx < n // 2 - 4, _dip(ceps, twice), 0.0)
    order = np.argsort(-score)
    best = [int(order[0])]
    for k in order[1:]:
        if score[k] < 0.5 * score[best[0]]:
            break
        if abs(int(k) - best[0]) > 1:
            best.append(int(k))
            break
    return [d0 + k + _vertex(float(ceps[d0 + k - 1]), float(ceps[d0 + k]), float(ceps[d0 + k + 1])) for k in best]


def _dip(ceps: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """How far ``ceps`` at ``idx`` lies below its lower side 2-3 px away (the falling trend does not count)."""
    left = np.maximum(ceps[idx - 2], ceps[idx - 3])
    right = np.maximum(ceps[idx + 2], ceps[idx + 3])
    return np.minimum(left, right) - ceps[idx]


_HANN_ROW: dict[int, np.ndarray] = {}


def _hann_row(w: int) -> np.ndarray:
    if w not in _HANN_ROW:
        _HANN_ROW[w] = np.hanning(w).astype(np.float32)[None, :]
    return _HANN_ROW[w]
