"""Reading a voucher smeared by motion: estimate the blur in a code-like region and undo it (Wiener filter).

Two estimates, see docs/scanning.md: the region's 2-D cepstrum (length and angle, any code), and for barcodes
(bars near vertical: only the motion's horizontal part smears them) the rows' 1-D cepstrum on the region
squeezed 4x vertically, which averages noise and JPEG blocks away along the bars and sees short blurs the 2-D
cepstrum cannot tell from a QR code's module period. Only symbologies with a check are read from a restoration
(a deconvolution invents edges).
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from .deblur import (
    MIN_BLUR,
    Motion,
    estimate_motion,
    line_psf,
    row_blur,
    same_motion,
    smear_extent,
    tile_motions,
    wiener,
)
from .decoders import DecodedCode, PyzbarDecoder, ZxingDecoder

Box = tuple[int, int, int, int]

# A region whose cepstrum shows a motion this clearly (robust standard deviations; 5-12 measured on the blurred
# vouchers of bench/decode.py, under 3 on clutter) is deblurred before the costlier harder pass.
MOTION_STRENGTH = 4.5
# The cepstral peak sits 0.75 px short of the true length whatever the length (measured on 324 generated blurs of
# 15-25 px: 0.75 +- 0.2 px); 1-D codes need it within ~0.3 px.
LENGTH_BIAS = 0.75
# The second length tried when the first restoration reads nothing (measured: reads 1 of the 216 generated 1-D
# scenes the first misses; 0.25 and 0.5 px read none of them).
LENGTH_RETRY = 0.375
# At most this many other motions, seen by the region's tiles, are tried after the region's own estimate.
MOTION_TILE_GUESSES = 2
# Guesses after a region's first, per frame and all regions together: a moving card without a code (a receipt,
# a hand) passes the motion test and would otherwise pay every guess of every region.
MOTION_RETRIES = 6
# Barcodes: the rows are averaged 4 by 4 (bars near vertical), the horizontal smear searched from 2.5 px.
BAR_SQUEEZE = 4
BAR_BLUR = (2.5, 27.0)
BAR_BIASES = (0.75, 0.375, 1.125, 0.0)
# A barcode has no module period in both directions: when the search from MIN_BLUR (9 px, which a QR code's module
# period of 5-7 px would otherwise pass) gives nothing, a barcode's 2-D cepstrum is searched again from 7 px.
BAR_MIN_BLUR = 7.0
# A region is a barcode's when its horizontal gradients outweigh the vertical ones this much.
BAR_RATIO = 1.2


class MotionReader:
    """The motion path of :class:`~pos_app.scanning.pipeline.FramePipeline`, one region at a time."""

    def __init__(self, *, use_pyzbar: bool = True) -> None:
        # the upright reader first, the rotating one only when it reads nothing (measured on 108 motion scenes:
        # the same reads, the median frame 18.5 -> 14.4 ms)
        symbologies = ("QRCode", "Code128", "EAN13", "DataMatrix")
        self.upright = ZxingDecoder(try_rotate=False, try_downscale=False, try_invert=False, symbologies=symbologies)
        self.rotating = ZxingDecoder(try_rotate=True, try_downscale=False, try_invert=False, symbologies=symbologies)
        self.bars = ZxingDecoder(try_rotate=False, try_downscale=False, try_invert=False,
                                 symbologies=("Code128", "EAN13"))
        self.zbar = PyzbarDecoder(("QRCODE", "CODE128", "EAN13")) if use_pyzbar else None
        self.retries_left = MOTION_RETRIES

    def new_frame(self) -> None:
        self.retries_left = MOTION_RETRIES

    def _spend(self) -> bool:
        if self.retries_left <= 0:
            return False
        self.retries_left -= 1
        return True

    def read(self, gray: np.ndarray, box: Box, others: list[Box]) -> list[DecodedCode]:
        """Codes restored in ``box`` of ``gray`` (frame pixels), or [] when no motion shows or nothing reads.

        The crop is widened and joined with a neighbouring region: the smear lowers the edge density in the
        middle of a long barcode, which then shows as two regions side by side. Only when the restoration with
        the first estimate reads nothing are the other guesses tried.
        """
        m = 48
        crop = np.ascontiguousarray(gray[max(0, box[1] - m):box[3] + m, max(0, box[0] - m):box[2] + m])
        bars = bar_like(crop)
        if bars:
            found = self._read_bars(crop)
            if found:
                return _shift(found, max(0, box[0] - m), max(0, box[1] - m))
        for lo in (MIN_BLUR, BAR_MIN_BLUR) if bars else (MIN_BLUR,):
            motion = estimate_motion(crop, lo=lo)
            if motion is None or (lo < MIN_BLUR and motion.length >= MIN_BLUR):
                continue  # the same motion as from MIN_BLUR up
            if _shows_motion(motion, lo) and (lo == MIN_BLUR or self._spend()):
                found = self._read_2d(gray, box, others, motion)
                if found:
                    return found
        if not bars and self._spend():
            return _shift(self._read_bars(crop), max(0, box[0] - m), max(0, box[1] - m))
        return []

    def _read_2d(self, gray: np.ndarray, box: Box, others: list[Box], motion: Motion) -> list[DecodedCode]:
        """The region's motion undone on the region grown over its smear (and a neighbour region it touches)."""
        m = 48
        for b in others:
            if _overlap((box[0] - m, box[1] - m, box[2] + m, box[3] + m), b):
                box = (min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3]))
        box = smear_extent(gray, box)
        x0, y0 = max(0, box[0] - m), max(0, box[1] - m)
        x1, y1 = min(gray.shape[1], box[2] + m), min(gray.shape[0], box[3] + m)
        crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
        guesses = _motion_guesses(motion, crop)
        guess, first = next(guesses, None), True
        while guess is not None:
            found = self._restore_and_read(crop, *guess, with_zbar=first)
            if found and not _ambiguous(found):
                return _shift(found, x0, y0)
            if not self._spend():
                break
            guess, first = next(guesses, None), False
        return []

    def _read_bars(self, crop: np.ndarray) -> list[DecodedCode]:
        """A barcode's horizontal smear from its rows' cepstrum, undone on the crop squeezed 4x vertically."""
        h, w = crop.shape
        sq = cv2.resize(crop, (w, max(8, h // BAR_SQUEEZE)), interpolation=cv2.INTER_AREA)
        fy = h / sq.shape[0]
        guesses = [(est, bias) for bias in BAR_BIASES for est in row_blur(sq, *BAR_BLUR)]
        for i, (est, bias) in enumerate(guesses):
            if i and not self._spend():
                break
            sharp = cv2.GaussianBlur(wiener(sq, line_psf(est + bias, 0.0), nsr=0.002), (0, 0), 0.7)
            found = self._checked(sharp, self.bars.decode(sharp), with_zbar=False)
            if found and not _ambiguous(found):
                return [DecodedCode(c.text, c.symbology, tuple((x, int(y * fy)) for x, y in c.points)) for c in found]
        return []

    def _restore_and_read(self, crop: np.ndarray, length: float, angle: float, *, with_zbar: bool
                          ) -> list[DecodedCode]:
        """The crop deblurred by a line PSF, then read. Measured: a low noise-to-signal ratio then a light
        Gaussian reads more 1-D codes than a higher ratio alone (bars stay crisp, the noise the filter lifts is
        averaged away). zbar costs several times zxing-cpp's time on a crop: the later guesses go without it."""
        sharp = wiener(crop, line_psf(length, angle), nsr=0.0005)
        sharp = cv2.GaussianBlur(sharp, (0, 0), 1.0)
        found = self.upright.decode(sharp)
        if not found and lying_bars(sharp):
            # zxing-cpp's rotation only matters for 1-D codes (its 2-D detectors find any orientation): only bars
            # lying down (a voucher held sideways) need it, and a text card would pay for it at every guess
            found = self.rotating.decode(sharp)
        return self._checked(sharp, found, with_zbar=with_zbar)

    def _checked(self, sharp: np.ndarray, found: list[DecodedCode], *, with_zbar: bool) -> list[DecodedCode]:
        """EAN-13's one check digit lets a restoration a hair too long read as another number (seen: 1 frame in
        468, where zbar read the true one): an EAN-13 that zbar reads otherwise is not trusted. zbar looks only
        around what zxing-cpp read (a third of its time on the whole crop). With ``with_zbar``, zbar reads a
        restoration zxing-cpp read nothing in (measured: it reads some restored 1-D codes zxing-cpp misses)."""
        if self.zbar is None:
            return found
        eans = [c for c in found if c.symbology == "EAN13"]
        if eans:
            other = {c.text for c in self.zbar.decode(around(sharp, eans)) if c.symbology == "EAN13"}
            return [c for c in found if c.symbology != "EAN13" or not other or c.text in other]
        if not found and with_zbar:
            found = self.zbar.decode(sharp)
        return found


def _gradients(img: np.ndarray) -> tuple[float, float]:
    """The image's summed horizontal and vertical gradients (at half resolution)."""
    small = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=cv2.INTER_AREA)
    return (float(np.abs(cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)).sum()),
            float(np.abs(cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)).sum()))


def bar_like(crop: np.ndarray) -> bool:
    """Whether the crop's edges run mostly vertical (a barcode, smeared or not) rather than every way."""
    gx, gy = _gradients(crop)
    return gx > BAR_RATIO * gy


def lying_bars(img: np.ndarray) -> bool:
    """Whether the image's edges run mostly horizontal: the bars of a 1-D code turned by about 90 degrees."""
    gx, gy = _gradients(img)
    return gy > BAR_RATIO * gx


def _shows_motion(motion: Motion, lo: float = MIN_BLUR) -> bool:
    return motion.strength >= MOTION_STRENGTH and motion.length >= lo


def _motion_guesses(first: Motion, crop: np.ndarray) -> Iterator[tuple[float, float]]:
    """PSF lengths and angles to try, best first: the region's estimate; the same a little longer (the length's
    spread, +-0.2 px, is close to what a 1-D code tolerates); the motions seen by the crop's tiles that differ
    from it (the region's centre fell on sharp clutter beside the code), strongest first, at most
    ``MOTION_TILE_GUESSES``. Lazy: the tiles are estimated only when the first guesses read nothing."""
    yield first.length + LENGTH_BIAS, first.angle
    yield first.length + LENGTH_BIAS + LENGTH_RETRY, first.angle
    yield first.length, first.angle
    seen = [first]
    for mo in tile_motions(crop):
        if len(seen) > MOTION_TILE_GUESSES:
            return
        if _shows_motion(mo) and not any(same_motion(mo, s) for s in seen):
            seen.append(mo)
            yield mo.length + LENGTH_BIAS, mo.angle


def around(img: np.ndarray, codes: list[DecodedCode]) -> np.ndarray:
    """The part of ``img`` around ``codes``: their outline with a margin of a quarter of its width (quiet zones,
    bars zxing-cpp's outline cuts short) and at least 40 px."""
    xs = [x for c in codes for x, _y in c.points]
    ys = [y for c in codes for _x, y in c.points]
    mx = max(40, (max(xs) - min(xs)) // 4)
    my = max(40, (max(ys) - min(ys)) // 2 + 20)
    x0, y0 = max(0, min(xs) - mx), max(0, min(ys) - my)
    return np.ascontiguousarray(img[y0:max(ys) + my, x0:max(xs) + mx])


def _ambiguous(codes: list[DecodedCode]) -> bool:
    """Two different texts of one symbology at one place: a restoration's ringing read as bars (seen: a second
    EAN-13 sharing the right half of the true one, on scan lines near the smeared card's edge). Neither is
    trusted; the next guess may read the code cleanly."""
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if a.symbology == b.symbology and a.text != b.text and a.points and b.points:
                (ax, ay), (bx, by) = a.center(), b.center()
                span = max(_extent(a), _extent(b))
                if abs(ax - bx) < span and abs(ay - by) < span:
                    return True
    return False


def _extent(code: DecodedCode) -> float:
    xs, ys = zip(*code.points, strict=True)
    return float(max(max(xs) - min(xs), max(ys) - min(ys)))


def _overlap(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _shift(codes: list[DecodedCode], dx: int, dy: int) -> list[DecodedCode]:
    if not dx and not dy:
        return codes
    return [DecodedCode(c.text, c.symbology, tuple((x + dx, y + dy) for x, y in c.points)) for c in codes]
