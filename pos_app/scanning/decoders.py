"""Barcode decoders behind one small protocol (Electrum qrreader style), without Qt.

``decode_image`` is the thorough path for still images (``pos-app decode``, tests): zxing-cpp first
(fast, reads DataMatrix), pyzbar as a second opinion only when zxing-cpp found nothing.
The live camera path (:mod:`pos_app.scanning.scanner`) uses :class:`FramePipeline`, which is tuned for
speed per frame; bench/decode.py measures both against raw pyzbar.
"""

from __future__ import annotations

import atexit
import logging
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
        self._opts = dict(try_rotate=try_rotate, try_downscale=try_downscale, try_invert=try_invert,
                          binarizer=getattr(zxingcpp.Binarizer, binarizer))

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


class CombinedDecoder:
    """zxing-cpp (thorough options), then pyzbar only when zxing-cpp found nothing."""

    name = "zxing+pyzbar"

    def __init__(self) -> None:
        self.primary = ZxingDecoder(try_rotate=True, try_downscale=True, try_invert=True)
        self.fallback = PyzbarDecoder()

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        codes = self.primary.decode(gray)
        if not codes:
            codes = self.fallback.decode(gray)
        return codes


def decode_image(img: np.ndarray) -> list[DecodedCode]:
    """Every code in a still image (BGR, BGRA or grey), best effort: zxing-cpp, then pyzbar."""
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
