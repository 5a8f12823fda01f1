"""Camera preview widget: paints the latest preview frame and outlines the codes the decoder found."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QLabel, QWidget

OUTLINE_HOLD_S = 0.6  # outlines come from decoded frames only (a few per second): keep them a moment


class CameraView(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraView")
        self.setMinimumSize(320, 180)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("#cameraView { background: #202020; color: #dddddd; }")
        self._image: QImage | None = None
        self._outlines: list[list[QPointF]] = []
        self._outline_t = 0.0
        self.frames = 0
        self.set_message(self.tr("No camera"))

    def set_message(self, text: str) -> None:
        self._image = None
        self.setText(text)

    def show_frame(self, image: QImage, outlines: list) -> None:
        self.frames += 1
        self._image = image
        if outlines:
            self._outlines, self._outline_t = outlines, time.monotonic()
        elif time.monotonic() - self._outline_t > OUTLINE_HOLD_S:
            self._outlines = []
        self.setText("")
        self.update()

    def paintEvent(self, event) -> None:
        if self._image is None:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        img = self._image
        scale = min(self.width() / img.width(), self.height() / img.height())
        w, h = img.width() * scale, img.height() * scale
        ox, oy = (self.width() - w) / 2, (self.height() - h) / 2
        painter.fillRect(self.rect(), QColor("#202020"))
        painter.translate(ox, oy)
        painter.scale(scale, scale)
        painter.drawImage(0, 0, img)
        pen = QPen(QColor("#00e000"), 4 / scale)
        painter.setPen(pen)
        for points in self._outlines:
            painter.drawPolygon(QPolygonF(points))
        painter.end()
