"""The camera scanner: capture + decode + debounce + preview, off the caller's thread.

Callbacks are plain callables, called from the scanner's thread; the UI wraps them in Qt signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np

from voucher_core.codes import CodeError, serial_of

from .capture import STATUS_ENDED, CaptureThread, FrameSource
from .debounce import Debouncer
from .decoders import DecodedCode
from .pipeline import FramePipeline

log = logging.getLogger(__name__)


class ScanStatus(StrEnum):
    """What the scanner says of the codes in view (through ``on_status``, beside the camera's statuses)."""

    # two different vouchers in one frame: the till acts on neither ("un seul bon à la fois")
    SEVERAL_VOUCHERS = "several_vouchers"
    # back to one voucher or none after SEVERAL_VOUCHERS
    ONE_VOUCHER = "one_voucher"


def voucher_of(text: str) -> str:
    """What tells two vouchers apart: the serial a code names (a printed voucher's QR code and its Code 128 give
    the same one), else the text itself (a code the till does not know is one more thing in view)."""
    try:
        return serial_of(text)
    except CodeError:
        return text


def several_vouchers(codes: list[DecodedCode]) -> bool:
    """True when a frame's codes name more than one voucher."""
    return len({voucher_of(c.text) for c in codes}) > 1

ScanPipeline = FramePipeline  # the name other parts use for the per-frame decoder


@dataclass(frozen=True)
class ScanEvent:
    """One debounced scan: the code's text and symbology, the frame it was read in and that frame's time."""

    text: str
    symbology: str
    frame_index: int
    t_ms: float
    points: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class PreviewFrame:
    """A reduced RGB frame for display and the outlines (in preview pixels) of the codes read in it."""

    image_rgb: np.ndarray
    outlines: tuple[tuple[tuple[int, int], ...], ...]
    frame_index: int

    @property
    def outline(self) -> tuple[tuple[int, int], ...]:
        """The first outline (or ())."""
        return self.outlines[0] if self.outlines else ()


def make_preview(img_bgr: np.ndarray, codes: list[DecodedCode], index: int, width: int = 640) -> PreviewFrame:
    """Downscale a frame for the UI and scale the code outlines with it."""
    h, w = img_bgr.shape[:2]
    f = min(1.0, width / float(w))
    small = cv2.resize(img_bgr, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA) if f < 1.0 else img_bgr
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    outlines = tuple(tuple((int(x * f), int(y * f)) for x, y in c.points) for c in codes if c.points)
    return PreviewFrame(rgb, outlines, index)


class Scanner(threading.Thread):
    """Decodes frames from ``source`` and reports debounced scans.

    A camera, a stream URL or a real-time file goes through a :class:`CaptureThread` (newest frame wins;
    frames are dropped while decoding, never queued). A file with ``realtime=False`` is read frame by frame
    (every frame decoded: tests, ``pos-app decode``).
    """

    def __init__(self, source: FrameSource | int | str | Path, on_scan: Callable[[ScanEvent], None],
                 on_preview: Callable[[PreviewFrame], None] | None = None,
                 on_status: Callable[[str], None] | None = None, *, debouncer: Debouncer | None = None,
                 pipeline: FramePipeline | None = None, preview_fps: float = 10.0, preview_width: int = 640,
                 backoff_s: float = 0.2) -> None:
        super().__init__(name="scanner", daemon=True)
        self.source = source if isinstance(source, FrameSource) else FrameSource(source)
        self.on_scan, self.on_preview, self.on_status = on_scan, on_preview, on_status
        self.debouncer = debouncer or Debouncer()
        self.pipeline = pipeline or FramePipeline()
        self.preview_interval = 1.0 / preview_fps if preview_fps > 0 else float("inf")
        self.preview_width = preview_width
        self._stop_evt = threading.Event()
        self.capture: CaptureThread | None = None
        if not (self.source.is_file and not self.source.realtime):
            self.capture = CaptureThread(self.source, on_status=self._status, backoff_s=backoff_s)
        self.frames_decoded = 0
        self.decode_ms_total = 0.0
        self.several_in_view = False  # the last frame showed two different vouchers

    def _status(self, status: str) -> None:
        if status == STATUS_ENDED or status == "lost":
            self.debouncer.reset()  # a voucher seen before a gap is a new scan after it
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("status callback failed")

    def stop(self, join: bool = True, timeout: float = 5.0) -> None:
        """Stop decoding and capture; by default wait for the threads to end."""
        self._stop_evt.set()
        if self.capture is not None:
            self.capture.stop()
        if join and self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    def run(self) -> None:
        if self.capture is None:
            self._run_file()
            return
        self.capture.start()
        last_index = -1
        last_preview = 0.0
        while not self._stop_evt.is_set():
            frame = self.capture.latest(after=last_index, timeout=0.5)
            if frame is None:
                if not self.capture.is_alive():
                    break
                continue
            last_index = frame.index
            last_preview = self._process(frame.image, frame.index, frame.t_ms, last_preview)
        self.capture.stop()
        self.capture.join(5.0)

    def _run_file(self) -> None:
        src = self.source
        if not src.open():
            self._status("lost")
            self._status("stopped")
            return
        self._status("running")
        index = 0
        last_preview = 0.0
        try:
            while not self._stop_evt.is_set():
                img, t_ms = src.read()
                if img is None:
                    break
                index += 1
                last_preview = self._process(img, index, t_ms, last_preview)
        finally:
            src.close()
        self._status(STATUS_ENDED)

    def _process(self, img: np.ndarray, index: int, t_ms: float, last_preview: float) -> float:
        t0 = time.perf_counter()
        codes = self.pipeline.decode(img)
        self.decode_ms_total += (time.perf_counter() - t0) * 1000.0
        self.frames_decoded += 1
        several, events = frame_events(self.debouncer, codes, index, t_ms)
        if several != self.several_in_view:
            self.several_in_view = several
            self._status(ScanStatus.SEVERAL_VOUCHERS if several else ScanStatus.ONE_VOUCHER)
        for ev in events:
            try:
                self.on_scan(ev)
            except Exception:
                log.exception("scan callback failed")
        now = time.monotonic()
        if self.on_preview is not None and now - last_preview >= self.preview_interval:
            try:
                self.on_preview(make_preview(img, codes, index, self.preview_width))
            except Exception:
                log.exception("preview callback failed")
            return now
        return last_preview


def frame_events(debouncer: Debouncer, codes: list[DecodedCode], index: int, t_ms: float
                 ) -> tuple[bool, list[ScanEvent]]:
    """Whether the frame shows several vouchers, and its scan events: none then (the till acts on neither; the
    voucher already acted on stays known, the other is read once it is alone in view)."""
    if several_vouchers(codes):
        debouncer.hold([c.text for c in codes], t_ms)
        return True, []
    return False, events_for(debouncer, codes, index, t_ms)


def events_for(debouncer: Debouncer, codes: list[DecodedCode], index: int, t_ms: float) -> list[ScanEvent]:
    """Feed one frame's codes to the debouncer; the scan events it yields."""
    by_text = {c.text: c for c in codes}
    return [ScanEvent(t, by_text[t].symbology, index, t_ms, by_text[t].points)
            for t in debouncer.feed(list(by_text), t_ms)]


def scan_video(path: str | Path, *, debouncer: Debouncer | None = None, pipeline: FramePipeline | None = None
               ) -> Iterator[ScanEvent]:
    """Every debounced scan event in a video file, decoding every frame (same debounce as the live app)."""
    src = FrameSource(path)
    if not src.open():
        raise ValueError(f"vidéo illisible : {path}")
    deb = debouncer or Debouncer()
    pipe = pipeline or FramePipeline()
    index = 0
    try:
        while True:
            img, t_ms = src.read()
            if img is None:
                break
            index += 1
            yield from events_for(deb, pipe.decode(img), index, t_ms)
    finally:
        src.close()
