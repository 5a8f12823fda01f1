"""Render installer/pos-app.svg into the PNG (Linux), ICO (Windows) and ICNS (macOS) icons. Run from the repo root."""

from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG on a transparent square image."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(0)
    painter = QPainter(img)
    renderer.render(painter)
    painter.end()
    return img


def main() -> None:
    app = QGuiApplication(["make_icons", "-platform", "offscreen"])  # noqa: F841 - needed alive for QPainter
    renderer = QSvgRenderer("installer/pos-app.svg")
    assert render(renderer, 256).save("installer/pos-app.png")
    assert render(renderer, 256).save("installer/pos-app.ico", "ICO")
    assert render(renderer, 512).save("installer/pos-app.icns", "ICNS")


if __name__ == "__main__":
    main()
