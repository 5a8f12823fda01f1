"""print-vouchers: A4 sheets of vouchers (QR of the signed code, or of the voucher's public page when the operator
runs one (VOUCHER_SERVER_PUBLIC_URL): the till reads the code out of that URL, Code 128 of the serial, digits, value,
validity) drawn with fpdf2, so the server needs no Qt. The bar pattern comes from zxing-cpp's encoder and the
QR matrix too; modules are drawn as vector rectangles (one per run) so printers get crisp edges."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import undefer

from voucher_core.codes import format_serial, page_url
from voucher_core.money import format_cents

from .config import Settings
from .db import Database
from .models import Campaign, Voucher
from .services.documents import new_pdf
from .services.periods import core_campaign

if TYPE_CHECKING:  # fpdf2 loads with the first sheet (services.documents.new_pdf)
    from fpdf import FPDF

# What a query of the vouchers to print needs: what each buyer paid (deferred otherwise: one query per voucher).
SHEET_OPTIONS = undefer(Voucher.paid_cents)

COLS, ROWS = 2, 4  # 8 vouchers per A4 page
CARD_W, CARD_H, MARGIN = 95.0, 68.0, 10.0


def code128_modules(serial: str) -> list[bool]:
    """Dark/light modules of the Code 128 symbol for ``serial`` (no quiet zones)."""
    import numpy as np
    import zxingcpp

    image = zxingcpp.create_barcode(serial, zxingcpp.BarcodeFormat.Code128).to_image(scale=1, add_quiet_zones=False)
    return [bool(v < 128) for v in np.array(image)[0]]


def qr_matrix(text: str) -> list[list[bool]]:
    """Dark/light modules of a QR code (error correction M) for ``text``, without the quiet zone. zxing-cpp's
    encoder: about 30 times faster than segno's, which counts when a bulk order prints thousands."""
    import numpy as np
    import zxingcpp

    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    return [[bool(v < 128) for v in row] for row in np.array(image)]


def _runs(modules: Sequence[bool]) -> list[tuple[int, int]]:
    """(first index, length) of each run of dark modules."""
    out, start = [], None
    for i, dark in enumerate([*modules, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            out.append((start, i - start))
            start = None
    return out


def _value_lines(camp: Campaign, paid_cents: int | None = None) -> tuple[str, str]:
    """The value and the validity as printed; a temporary top-up says what the voucher is worth after it (what
    its buyer paid: core ``value_on``; nothing to say when that is the face value, a company's order at 12 €)."""
    valid = f"Valable du {camp.valid_from:%d/%m/%Y} au {camp.valid_until:%d/%m/%Y} inclus"
    after = core_campaign(camp).value_on(camp.valid_until, paid_cents)
    if camp.topup_until is not None and camp.topup_until < camp.valid_until and after < camp.face_value_cents:
        valid += (f". {format_cents(camp.face_value_cents)} jusqu'au {camp.topup_until:%d/%m/%Y}, "
                  f"puis {format_cents(after)}")
    return format_cents(camp.face_value_cents), valid


def _card(pdf: FPDF, camp: Campaign, v: Voucher, x: float, y: float, public_url: str | None) -> None:
    value, valid = _value_lines(camp, v.paid_cents)  # callers load paid_cents with SHEET_OPTIONS
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    with pdf.local_context(dash_pattern={"dash": 1, "gap": 1}):
        pdf.rect(x, y, CARD_W - 2, CARD_H)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_xy(x + 3, y + 3)
    pdf.cell(58, 6, camp.name[:40])
    pdf.set_font("DejaVu", "B", 20)
    pdf.set_xy(x + 3, y + 11)
    pdf.cell(55, 10, value)
    pdf.set_font("DejaVu", "", 7)
    pdf.set_xy(x + 3, y + 23)
    pdf.multi_cell(55, 3.2, valid)
    pdf.set_xy(x + 3, y + 36)
    pdf.cell(55, 4, f"Campagne {camp.id} · bon à usage unique")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_xy(x + 3, y + 60)
    pdf.cell(62, 5, format_serial(v.serial), align="C")  # groups of 4, as typed
    pdf.set_fill_color(0, 0, 0)
    qr = qr_matrix(page_url(public_url, v.code) if public_url else v.code)
    mod = 30.0 / (len(qr) + 8)  # quiet zone of 4 modules
    qx, qy = x + CARD_W - 2 - 32, y + 3
    for r, row in enumerate(qr):
        for c, n in _runs(row):
            pdf.rect(qx + (c + 4) * mod, qy + (r + 4) * mod, n * mod + 0.01, mod + 0.01, style="F")
    bars = code128_modules(v.serial)
    bw = 54.0 / len(bars)
    for k, n in _runs(bars):  # 54 mm wide, 14 mm high, a quiet zone on both sides
        pdf.rect(x + 7 + k * bw, y + 44, n * bw, 14.0, style="F")


def voucher_sheets(camp: Campaign, vouchers: Sequence[Voucher], public_url: str | None = None) -> bytes:
    """The PDF bytes of ``vouchers`` (all of ``camp``), 8 to an A4 page. The QR carries the voucher's page under
    ``public_url`` (default: the server's setting; "" for the bare signed code, as printed before)."""
    public_url = Settings.from_env().public_url if public_url is None else public_url
    pdf = new_pdf()
    pdf.set_auto_page_break(False)
    pdf.set_title(f"Bons {camp.name}")
    for i, v in enumerate(vouchers):
        slot = i % (COLS * ROWS)
        if slot == 0:
            pdf.add_page()
        _card(pdf, camp, v, MARGIN + (slot % COLS) * CARD_W, MARGIN + (slot // COLS) * (CARD_H + 1.0),
              public_url or None)
    if not vouchers:
        pdf.add_page()
    return bytes(pdf.output())


def print_vouchers(db: Database, campaign_id: str, pdf: Path, state: str | None = None,
                   limit: int | None = None, serials: Sequence[str] | None = None) -> int:
    """Write an A4 PDF of the campaign's vouchers (or only ``serials``); returns how many were printed."""
    with db.reading() as s:
        camp = s.get(Campaign, campaign_id, options=[undefer(Campaign.topup_until)])
        if camp is None:
            raise SystemExit(f"no campaign {campaign_id}")
        query = select(Voucher).options(SHEET_OPTIONS).where(Voucher.campaign_id == campaign_id) \
            .order_by(Voucher.serial)
        if state:
            query = query.where(Voucher.state == state)
        if serials is not None:
            query = query.where(Voucher.serial.in_(list(serials)))
        if limit:
            query = query.limit(limit)
        vouchers = s.scalars(query).all()
    pdf.write_bytes(voucher_sheets(camp, vouchers))
    return len(vouchers)
