"""print-vouchers: A4 sheets of vouchers (QR of the signed code, Code 128 of the serial, digits, value,
validity), drawn with QPdfWriter + QPainter, headless. The bar pattern comes from zxing-cpp's encoder and the
QR matrix from segno; we draw the modules ourselves as vector rectangles so printers get crisp edges."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from pos_app.core.money import format_cents

from .db import Database
from .models import Campaign, Voucher

COLS, ROWS = 2, 4  # 8 vouchers per A4 page


def code128_modules(serial: str) -> list[bool]:
    """Dark/light modules of the Code 128 symbol for ``serial`` (no quiet zones)."""
    import numpy as np
    import zxingcpp

    image = zxingcpp.create_barcode(serial, zxingcpp.BarcodeFormat.Code128).to_image(scale=1, add_quiet_zones=False)
    return [bool(v < 128) for v in np.array(image)[0]]


def qr_matrix(text: str) -> list[list[bool]]:
    import segno

    return [[bool(v) for v in row] for row in segno.make(text, error="m", micro=False).matrix]


def print_vouchers(db: Database, campaign_id: str, pdf: Path, state: str | None = None,
                   limit: int | None = None) -> int:
    """Write an A4 PDF of the campaign's vouchers; returns how many were printed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

    with db.reading() as s:
        camp = s.get(Campaign, campaign_id)
        if camp is None:
            raise SystemExit(f"no campaign {campaign_id}")
        query = select(Voucher).where(Voucher.campaign_id == campaign_id).order_by(Voucher.serial)
        if state:
            query = query.where(Voucher.state == state)
        if limit:
            query = query.limit(limit)
        vouchers = s.scalars(query).all()

    _app = QGuiApplication.instance() or QGuiApplication([])
    writer = QPdfWriter(str(pdf))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0)))
    writer.setResolution(600)
    writer.setTitle(f"Bons {camp.name}")
    painter = QPainter(writer)
    # Work in millimetres: 210 x 297.
    dpi = writer.resolution()
    scale = dpi / 25.4
    painter.scale(scale, scale)
    black = QColor(0, 0, 0)
    valid = f"Valable du {camp.valid_from:%d/%m/%Y} au {camp.valid_until:%d/%m/%Y} inclus"
    value = format_cents(camp.face_value_cents)
    card_w, card_h, margin = 95.0, 68.0, 10.0

    def font(size_pt: float, bold: bool = False) -> QFont:
        f = QFont("DejaVu Sans")
        f.setPixelSize(max(1, round(size_pt * dpi / 72)))  # text is drawn in device pixels
        f.setBold(bold)
        return f

    for i, v in enumerate(vouchers):
        if i and i % (COLS * ROWS) == 0:
            writer.newPage()
        slot = i % (COLS * ROWS)
        x = margin + (slot % COLS) * card_w
        y = margin + (slot // COLS) * (card_h + 1.0)
        painter.save()
        painter.resetTransform()
        painter.scale(scale, scale)
        painter.setPen(QPen(QColor(150, 150, 150), 0.2, Qt.PenStyle.DashLine))
        painter.drawRect(QRectF(x, y, card_w - 2, card_h))
        painter.restore()
        painter.setPen(QPen(black, 0.1))
        # Text is drawn in device pixels for exact sizes, then we go back to millimetres.
        painter.save()
        painter.resetTransform()
        painter.setFont(font(11, True))
        painter.drawText(QRectF((x + 3) * scale, (y + 2) * scale, 60 * scale, 8 * scale),
                         Qt.AlignmentFlag.AlignLeft, camp.name)
        painter.setFont(font(20, True))
        painter.drawText(QRectF((x + 3) * scale, (y + 10) * scale, 55 * scale, 12 * scale),
                         Qt.AlignmentFlag.AlignLeft, value)
        painter.setFont(font(7))
        painter.drawText(QRectF((x + 3) * scale, (y + 23) * scale, 55 * scale, 10 * scale),
                         Qt.TextFlag.TextWordWrap, valid)
        painter.drawText(QRectF((x + 3) * scale, (y + 33) * scale, 55 * scale, 8 * scale),
                         Qt.AlignmentFlag.AlignLeft, f"Campagne {camp.id} · bon à usage unique")
        serial_txt = f"{v.serial[:4]} {v.serial[4:8]} {v.serial[8:]}"
        painter.setFont(font(10))
        painter.drawText(QRectF((x + 3) * scale, (y + 59) * scale, 60 * scale, 6 * scale),
                         Qt.AlignmentFlag.AlignHCenter, serial_txt)
        painter.restore()
        # QR code of the signed payload, top right, 30 mm.
        qr = qr_matrix(v.code)
        n = len(qr) + 8  # quiet zone of 4 modules
        mod = 30.0 / n
        qx, qy = x + card_w - 2 - 32, y + 3
        for r, row in enumerate(qr):
            for c, dark in enumerate(row):
                if dark:
                    painter.fillRect(QRectF(qx + (c + 4) * mod, qy + (r + 4) * mod, mod + 0.01, mod + 0.01), black)
        # Code 128 of the serial, bottom left: 60 mm wide, 14 mm high.
        bars = code128_modules(v.serial)
        bw = 54.0 / len(bars)
        bx, by = x + 7, y + 44  # 10-module quiet zone on both sides
        run = 0
        for k, dark in enumerate([*bars, False]):
            if dark:
                run += 1
            elif run:
                painter.fillRect(QRectF(bx + (k - run) * bw, by, run * bw, 14.0), black)
                run = 0
    painter.end()
    del painter, writer  # release Qt objects before the application object goes away
    return len(vouchers)
