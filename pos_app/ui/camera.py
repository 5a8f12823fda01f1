"""Camera scanning for the UI: pos_app.scanning.scanner.Scanner (capture + decode threads) with its callbacks
turned into Qt signals, queued to the GUI thread."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QImage

from pos_app.scanning.capture import FrameSource
from pos_app.scanning.scanner import PreviewFrame, ScanEvent, Scanner

log = logging.getLogger(__name__)


class CameraScanner(QObject):
    """Owns one Scanner thread. Signals are emitted from the scanning threads (queued to the GUI)."""

    scanned = Signal(str)  # a new code in view (debounced)
    preview = Signal(QImage, list)  # scaled frame, outlines as lists of QPointF in preview pixels
    status = Signal(str)  # running, lost, reconnected, ended, stopped

    def __init__(self, source: int | str | Path | FrameSource, *, loop: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if not isinstance(source, FrameSource):
            is_file = isinstance(source, Path) or (isinstance(source, str) and not source.isdigit())
            # a video file stands in for a camera: read in real time, like a camera delivers frames
            source = FrameSource(source, realtime=is_file, loop=loop and is_file,
                                 width=None if is_file else 1280, height=None if is_file else 720)
        self.source = source
        self._scanner = Scanner(source, self._on_scan, self._on_preview, self.status.emit)

    def _on_scan(self, event: ScanEvent) -> None:
        self.scanned.emit(event.text)

    def _on_preview(self, frame: PreviewFrame) -> None:
        rgb = frame.image_rgb
        image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()
        outlines = [[QPointF(x, y) for x, y in outline] for outline in frame.outlines]
        self.preview.emit(image, outlines)

    @property
    def frames_decoded(self) -> int:
        return self._scanner.frames_decoded

    @property
    def _capture(self) -> Any:
        return self._scanner.capture

    def start(self) -> None:
        self._scanner.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the scanner and its capture thread and wait for them (called when the window closes)."""
        self._scanner.stop(join=True, timeout=timeout)

    @property
    def running(self) -> bool:
        return self._scanner.is_alive()


def open_scanner(source: Any, *, loop: bool = False) -> CameraScanner | None:
    """A started scanner over ``source`` (camera index, video path, FrameSource), or None without a source."""
    if source is None or source == "":
        return None
    scanner = CameraScanner(source, loop=loop)
    scanner.start()
    return scanner
