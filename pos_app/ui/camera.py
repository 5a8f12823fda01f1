"""Camera scanning thread for the UI: frames -> decoder -> debounced scan events, preview frames by signal.

A thin adapter over pos_app.scanning (CaptureThread, FramePipeline, Debouncer): the scanning helper's own
``Scanner`` class had not landed when this was written; this one exposes Qt signals instead of callbacks.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import cv2
from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QImage

from pos_app.scanning.capture import CaptureThread, FrameSource
from pos_app.scanning.debounce import Debouncer
from pos_app.scanning.pipeline import FramePipeline

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 640  # preview frames are scaled down in the scanning thread: the GUI only paints them


class CameraScanner(QObject):
    """Owns the capture + decode threads. Signals are emitted from the decode thread (queued to the GUI)."""

    scanned = Signal(str)  # a new code in view (debounced)
    preview = Signal(QImage, list)  # scaled frame, outlines as lists of QPointF in preview pixels
    status = Signal(str)  # running, lost, reconnected, ended, stopped

    def __init__(self, source: int | str | Path | FrameSource, *, loop: bool = False, decode_fps: float = 8.0,
                 pause_s: float = 3.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if isinstance(source, FrameSource):
            self.source = source
        else:
            is_file = isinstance(source, Path) or (isinstance(source, str) and not source.isdigit())
            self.source = FrameSource(source, realtime=is_file, loop=loop and is_file,
                                      width=None if is_file else 1280, height=None if is_file else 720)
        self.decode_interval = 1.0 / decode_fps if decode_fps > 0 else 0.0
        self.debouncer = Debouncer(pause_s=pause_s)
        self._stop = threading.Event()
        self._capture: CaptureThread | None = None
        self._thread: threading.Thread | None = None
        self.frames_decoded = 0

    def start(self) -> None:
        self._capture = CaptureThread(self.source, on_status=self.status.emit)
        self._capture.start()
        self._thread = threading.Thread(target=self._run, name="ui-decode", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both threads and wait for them (called when the window closes)."""
        self._stop.set()
        if self._capture is not None:
            self._capture.stop()
            self._capture.join(timeout)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        pipeline = FramePipeline()
        cap = self._capture
        assert cap is not None
        last = -1
        next_decode = 0.0
        while not self._stop.is_set():
            frame = cap.latest(after=last, timeout=0.2)
            if frame is None:
                if cap.stopped or not cap.is_alive():
                    break
                continue
            last = frame.index
            now = time.monotonic()
            outlines: list[list[QPointF]] = []
            img = frame.image
            h, w = img.shape[:2]
            scale = min(1.0, PREVIEW_WIDTH / max(1, w))
            if now >= next_decode:
                next_decode = now + self.decode_interval
                try:
                    codes = pipeline.decode(img)
                except Exception:  # a decoder crash must not kill the camera
                    log.exception("decoding failed")
                    codes = []
                self.frames_decoded += 1
                for code in codes:
                    outlines.append([QPointF(x * scale, y * scale) for x, y in code.points])
                for text in self.debouncer.feed([c.text for c in codes], frame.t_ms):
                    self.scanned.emit(text)
            small = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) \
                if scale < 1.0 else img
            rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
            qimg = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()
            self.preview.emit(qimg, outlines)


def open_scanner(source: Any, *, loop: bool = False) -> CameraScanner | None:
    """A started scanner over ``source`` (camera index, video path), or None when there is no source."""
    if source is None or source == "":
        return None
    scanner = CameraScanner(source, loop=loop)
    scanner.start()
    return scanner
