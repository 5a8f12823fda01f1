"""Barcode decoders behind one small protocol (Electrum qrreader style), without Qt.

``decode_image`` is the thorough path for still images (``pos-app decode``, tests): zxing-cpp first
(fast, reads DataMatrix), pyzbar as a second opinion only when zxing-cpp found nothing.
The live camera path (:mod:`pos_app.scanning.scanner`) uses :class:`FramePipeline`, which is tuned for
speed per frame; bench/decode.py measures both against raw pyzbar.
"""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import cv2
import numpy as np

log = logging.getLogger(__name__)

# Symbologies the vouchers (and the scheme's partners) use; everything else is not read, which both saves
# time and removes a source of phantom reads (e.g. Codabar/DataBar on textures).
SYMBOLOGIES = ("QRCode", "Code128", "EAN13", "ITF", "Code39", "DataMatrix")


@dataclass(frozen=True, slots=True)
class DecodedCode:
    """One code found in an image: its text, symbology name and corner points (image pixels)."""

    text: str
    symbology: str
    points: tuple[tuple[int, int], ...] = ()

    def center(self) -> tuple[float, float]:
        """Centre of the outline (0, 0 when unknown)."""
        if not self.points:
            return (0.0, 0.0)
        xs, ys = zip(*self.points, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))


class Decoder(Protocol):
    """Anything that turns a grey image into codes."""

    name: str

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        """Codes found in ``gray`` (uint8, 2-D); never raises for a bad image."""
        ...


def to_gray(img: np.ndarray) -> np.ndarray:
    """A contiguous uint8 grey image from grey, BGR or BGRA (alpha composited on white)."""
    if img.ndim == 2:
        gray = img
    elif img.shape[2] == 4:
        gray = cv2.cvtColor(composite_on_white(img), cv2.COLOR_BGR2GRAY)
    elif img.shape[2] == 3:
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    else:
        gray = img[:, :, 0]
    if gray.dtype != np.uint8:
        gray = cv2.normalize(gray, np.zeros_like(gray), 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return np.ascontiguousarray(gray)


def composite_on_white(bgra: np.ndarray) -> np.ndarray:
    """BGR image of a BGRA one laid on a white background (transparent samples are black otherwise)."""
    alpha = bgra[:, :, 3:4].astype(np.float32) / 255.0
    bgr = bgra[:, :, :3].astype(np.float32)
    return (bgr * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)


def load_image(path: str | Path) -> np.ndarray:
    """Read an image file as BGR (alpha composited on white). Raises ValueError if unreadable."""
    data = np.fromfile(str(path), dtype=np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f"image illisible : {path}")
    if img.dtype == np.uint16:
        img = (img / 257).astype(np.uint8)
    if img.ndim == 3 and img.shape[2] == 4:
        img = composite_on_white(img)
    return img


# --- zxing-cpp ----------------------------------------------------------------------------------------

_ZX_NAMES = {"QR Code": "QRCode", "Code 128": "Code128", "EAN-13": "EAN13", "ITF": "ITF",
             "Code 39": "Code39", "Data Matrix": "DataMatrix"}


class ZxingDecoder:
    """zxing-cpp restricted to :data:`SYMBOLOGIES`; options select its speed/effort trade-off."""

    def __init__(self, *, try_rotate: bool = True, try_downscale: bool = True, try_invert: bool = False,
                 binarizer: str = "LocalAverage", symbologies: tuple[str, ...] = SYMBOLOGIES) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self.name = f"zxing-{binarizer}"
        self._formats = zxingcpp.BarcodeFormats(tuple(getattr(zxingcpp.BarcodeFormat, s) for s in symbologies))
        # Plain: the symbol's own characters (GS1's FNC1 as GS, not "(01)..." nor "<GS>" as zxing-cpp's default
        # human-readable mode writes them): what a USB scanner types and what the photos' .txt files hold
        self._opts = dict(try_rotate=try_rotate, try_downscale=try_downscale, try_invert=try_invert,
                          binarizer=getattr(zxingcpp.Binarizer, binarizer), text_mode=zxingcpp.TextMode.Plain)

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        try:
            results = self._zx.read_barcodes(gray, formats=self._formats, **self._opts)
        except Exception:  # a decoder bug must never kill the capture thread
            log.exception("zxing-cpp failed")
            return []
        out = []
        for r in results:
            if not r.valid:
                continue
            p = r.position
            pts = tuple((int(q.x), int(q.y)) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
            fmt = str(r.format)
            out.append(DecodedCode(r.text, _ZX_NAMES.get(fmt, fmt.replace(" ", "").replace("-", "")), pts))
        return out


# --- pyzbar -------------------------------------------------------------------------------------------

_ZBAR_NAMES = {"QRCODE": "QRCode", "CODE128": "Code128", "EAN13": "EAN13", "I25": "ITF", "CODE39": "Code39"}


class PyzbarDecoder:
    """pyzbar 0.1.9 (no DataMatrix), surviving its ``ValueError: ... is not a valid ZBarOrientation``."""

    name = "pyzbar"

    def __init__(self, symbols: tuple[str, ...] = ("QRCODE", "CODE128", "EAN13", "I25", "CODE39")) -> None:
        from pyzbar import pyzbar

        self._pz = pyzbar
        self._symbols = [getattr(pyzbar.ZBarSymbol, s) for s in symbols]
        _patch_pyzbar_orientation(pyzbar)

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        try:
            results = self._pz.decode(gray, symbols=self._symbols)
        except Exception:  # includes the ZBarOrientation ValueError should the patch below be undone
            log.exception("pyzbar failed")
            return []
        out = []
        for r in results:
            try:
                text = r.data.decode("utf-8")
            except UnicodeDecodeError:
                text = r.data.decode("latin-1")
            pts = tuple((int(p.x), int(p.y)) for p in (r.polygon or []))
            out.append(DecodedCode(text, _ZBAR_NAMES.get(r.type, r.type), pts))
        return out


class _TolerantOrientation:
    """Stands in for pyzbar's ZBarOrientation enum: zbar returns -1 (4294967295 unsigned) for "unknown",
    which the enum refuses with a ValueError *after* zbar has decoded the symbol; we keep the result."""

    def __new__(cls, value: int):
        try:
            return _ORIG_ORIENTATION(value)
        except ValueError:
            return SimpleNamespace(name="UNKNOWN", value=value)


_ORIG_ORIENTATION: Any = None  # pyzbar's own enum, kept once the patch is in


def _patch_pyzbar_orientation(pz_module) -> None:
    """Make pyzbar 0.1.9 survive unknown orientations (idempotent; pyzbar is unmaintained)."""
    global _ORIG_ORIENTATION
    if pz_module.ZBarOrientation is _TolerantOrientation:
        return
    _ORIG_ORIENTATION = pz_module.ZBarOrientation
    pz_module.ZBarOrientation = _TolerantOrientation


# --- the combined decoders ----------------------------------------------------------------------------

_default: CombinedDecoder | None = None

# Linear symbologies: a single scan line decides them, so a second, different one read where the first is
# (glare, a blurred bar pair) is a misread of one of them; 2-D codes carry error correction and may overlap
# legitimately (a QR code printed inside another).
LINEAR = frozenset({"Code128", "EAN13", "ITF", "Code39"})


class CombinedDecoder:
    """The thorough still-image decoder: zxing-cpp (thorough options), then pyzbar only when zxing-cpp found
    nothing, then (nothing yet) a few re-renderings of the image (measured on the shared photos, see
    :data:`STILL_STEPS`); two different linear codes over each other are settled by pyzbar or dropped."""

    name = "zxing+pyzbar"

    def __init__(self) -> None:
        self.primary = ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=True)
        self.second = ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=True, binarizer="GlobalHistogram")
        self.fallback = PyzbarDecoder()

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        codes = self.primary.decode(gray)
        if not codes:
            codes = self.fallback.decode(gray)
        for step in STILL_STEPS:
            if codes:
                break
            codes = step(self, gray)
        return settle_linear(codes, lambda: self.fallback.decode(gray))

    def rescaled(self, gray: np.ndarray, f: float, *, zbar: bool = False) -> list[DecodedCode]:
        """Codes read on ``gray`` scaled by ``f``, in ``gray``'s pixels."""
        if min(gray.shape) * f < 16 or max(gray.shape) * f > 4000:
            return []
        img = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
        found = (self.fallback if zbar else self.primary).decode(img)
        return [DecodedCode(c.text, c.symbology, tuple((int(x / f), int(y / f)) for x, y in c.points))
                for c in found]


def _sharpened(gray: np.ndarray) -> np.ndarray:
    return cv2.addWeighted(gray, 1.8, cv2.GaussianBlur(gray, (0, 0), 2.0), -0.8, 0)


# Tried in order on a still nothing read yet, until one reads (each read one or more of the shared photos the
# earlier steps miss: small or soft codes upscaled, uneven light, zbar on an upscaled copy).
STILL_STEPS = (
    lambda d, g: d.rescaled(g, 1.5),
    lambda d, g: d.second.decode(g),
    lambda d, g: d.primary.decode(_sharpened(g)),
    lambda d, g: d.primary.decode(cv2.createCLAHE(3.0, (8, 8)).apply(g)),
    lambda d, g: d.rescaled(g, 2.0, zbar=True),
    lambda d, g: d.primary.decode(cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                                        cv2.THRESH_BINARY, 31, 5)),
    lambda d, g: d.rescaled(g, 0.5, zbar=True),
)


def overlapping(a: DecodedCode, b: DecodedCode) -> bool:
    """The two outlines' boxes, each grown by a third of its size (a 1-D reader's outline may be one scan line
    across the bars), meet; a code without an outline overlaps everything."""
    if not a.points or not b.points:
        return True
    boxes = []
    for c in (a, b):
        xs, ys = zip(*c.points, strict=True)
        m = max(max(xs) - min(xs), max(ys) - min(ys)) / 3.0
        boxes.append((min(xs) - m, min(ys) - m, max(xs) + m, max(ys) + m))
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes
    return ax0 <= bx1 and bx0 <= ax1 and ay0 <= by1 and by0 <= ay1


def linear_conflicts(codes: list[DecodedCode]) -> set[int]:
    """Indices of linear codes that overlap a linear code with another text."""
    bad: set[int] = set()
    for i, a in enumerate(codes):
        for j in range(i + 1, len(codes)):
            b = codes[j]
            if a.symbology in LINEAR and b.symbology in LINEAR and a.text != b.text and overlapping(a, b):
                bad |= {i, j}
    return bad


def settle_linear(codes: list[DecodedCode], second_opinion: Callable[[], list[DecodedCode]]
                  ) -> list[DecodedCode]:
    """``codes`` without the linear ones that contradict each other at one place; of those, the ones the
    second opinion (another decoder) reads too are kept, if that leaves one text there."""
    bad = linear_conflicts(codes)
    if not bad:
        return codes
    confirmed = {c.text for c in second_opinion()}
    kept = [c for i, c in enumerate(codes) if i not in bad or c.text in confirmed]
    return [] if linear_conflicts(kept) else kept


def decode_image(img: np.ndarray) -> list[DecodedCode]:
    """Every code in a still image (BGR, BGRA or grey), best effort: zxing-cpp, then pyzbar, then re-renderings."""
    global _default
    if _default is None:
        _default = CombinedDecoder()
        atexit.register(_forget_default)
    return dedupe(_default.decode(to_gray(img)))
def _forget_default() -> None:
    """At exit, free the shared decoder before zxing-cpp's own teardown (else nanobind prints "leaked" noise)."""
    global _default
    _default = None


def dedupe(codes: list[DecodedCode]) -> list[DecodedCode]:
    """Drop repeated (text, symbology) pairs, keeping the first."""
    seen: set[tuple[str, str]] = set()
    out = []
    for c in codes:
        if (c.text, c.symbology) not in seen:
            seen.add((c.text, c.symbology))
            out.append(c)
    return out
