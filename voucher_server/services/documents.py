"""PDF (fpdf2) and CSV of the operator's figures: statements, remittances, funder invoices, bulk-order invoices,
liability. Each document is built from the one function that computes its figure; PDF and CSV render the same
rows, the PDF in French words and euros, the CSV in integer cents for spreadsheets."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from voucher_core.money import format_cents
from voucher_core.timeutil import paris_text

from .funders import FunderInvoice
from .liability import Liability
from .operator import operator_identity
from .orders import Order
from .remittance import Remittance
from .settlement import ShopDue

if TYPE_CHECKING:  # fpdf2 (with Pillow and fontTools) loads when a PDF is made, not when the server starts
    from fpdf import FPDF

FONT_DIR = Path(os.environ.get("VOUCHER_SERVER_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
# The one line every voucher document carries: vouchers are multi-purpose, so no VAT on their sale or redemption.
MPV_MENTION = ("Bons d'achat multi-usages (CGI art. 256 ter) : ni leur vente ni leur encaissement ne portent de "
               "TVA.")


class Cell(StrEnum):
    TEXT = "text"
    COUNT = "count"
    CENTS = "cents"


@dataclass(frozen=True, slots=True)
class Document:
    """A titled table with totals, addressed to one party."""

    title: str
    reference: str
    party: list[str]  # name, then address lines
    subtitle: str
    columns: list[tuple[str, str, Cell]]  # (French label, CSV name, kind)
    rows: list[list[str | int]]
    totals: list[tuple[str, int]] = field(default_factory=list)  # (French label, cents)
    notes: list[str] = field(default_factory=list)


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _period(start: date, end: date) -> str:
    return f"Du {_day(start)} au {_day(end)} inclus"


def statement_document(due: ShopDue) -> Document:
    """A shop's reimbursement statement for a period."""
    notes = [f"Payé le {paris_text(due.paid.paid_at)} ({due.paid.method.value})" if due.paid else "Non payé"]
    return Document(
        "Relevé de remboursement", f"REL-{due.merchant_id}-{due.period.start:%Y%m%d}-{due.period.end:%Y%m%d}",
        [due.name, f"IBAN {due.iban}" if due.iban else "IBAN non renseigné"],
        _period(due.period.start, due.period.end),
        [("Opération", "kind", Cell.TEXT), ("Nombre", "count", Cell.COUNT), ("Montant", "cents", Cell.CENTS)],
        [["Bons encaissés", due.redeemed_count, due.redeemed_cents],
         ["Annulations", due.voided_count, -due.voided_cents]],
        [("Valeur faciale encaissée", due.face_value_cents), ("Commission HT", due.commission_cents),
         ("TVA sur la commission", due.commission_vat_cents),
         ("Commission TTC", due.commission_ttc_cents),
         ("Commission TTC déduite", due.deducted_cents), ("À vous verser", due.amount_cents)],
        [*notes, MPV_MENTION])


def remittance_document(r: Remittance) -> Document:
    """What a tobacconist owes for its sales of a period."""
    notes = ([f"Reçu le {paris_text(r.received.received_at)} ({r.received.method.value})"] if r.received
             else ["Non reçu"])
    return Document(
        "Relevé des ventes à reverser", f"VEN-{r.seller_id}-{r.period.start:%Y%m%d}-{r.period.end:%Y%m%d}",
        [r.name], _period(r.period.start, r.period.end),
        [("Campagne", "campaign_id", Cell.TEXT), ("Vendus", "sold_count", Cell.COUNT),
         ("Annulés", "voided_count", Cell.COUNT), ("À reverser", "owed_cents", Cell.CENTS)],
        [[c.campaign_id, c.sold_count, c.voided_count, c.owed_cents] for c in r.campaigns],
        [("Total à reverser", r.cash_owed_cents)], [*notes, MPV_MENTION])


def funder_invoice_document(inv: FunderInvoice) -> Document:
    """A funder's invoice: its share of the top-up of the vouchers redeemed in the period."""
    return Document(
        "Facture d'abondement", f"ABO-{inv.funder_id}-{inv.period.start:%Y%m%d}-{inv.period.end:%Y%m%d}",
        [inv.name, inv.address], _period(inv.period.start, inv.period.end),
        [("Campagne", "campaign_id", Cell.TEXT), ("Bons encaissés", "redeemed_count", Cell.COUNT),
         ("Abondement utilisé", "campaign_topup_cents", Cell.CENTS), ("Part (‱)", "share_bp", Cell.COUNT),
         ("Votre part", "topup_cents", Cell.CENTS)],
        [[x.campaign_id, x.redeemed_count, x.campaign_topup_cents, x.share_bp, x.topup_cents] for x in inv.lines],
        [("Total dû", inv.topup_cents)],
        ["Seul l'abondement des bons effectivement utilisés dans les commerces est facturé.", MPV_MENTION])


def order_invoice_document(order: Order) -> Document:
    """The invoice of a bulk order, paid by transfer."""
    paid = (f"Payée le {paris_text(order.paid_at)} (réf. {order.payment_reference or '-'})" if order.paid_at
            else "À régler par virement")
    return Document(
        "Facture — commande de bons", f"CMD-{order.id:06d}", [order.buyer],
        f"Commande du {paris_text(order.ordered_at)}",
        [("Désignation", "item", Cell.TEXT), ("Quantité", "count", Cell.COUNT),
         ("Prix unitaire", "unit_price_cents", Cell.CENTS), ("Montant", "total_cents", Cell.CENTS)],
        [[f"Bons {order.campaign_name} de {format_cents(order.face_value_cents)}", order.count,
          order.unit_price_cents, order.total_cents]],
        [("Total", order.total_cents)],
        [paid, f"Bons n° {order.vouchers[0]} à {order.vouchers[-1]}" if order.vouchers else "", MPV_MENTION])


def liability_document(li: Liability) -> Document:
    """What the operator still owes voucher holders at the end of a day."""
    return Document(
        "Encours des bons", f"ENC-{li.at:%Y%m%d}", [], f"Au {_day(li.at)} au soir",
        [("Campagne", "campaign_id", Cell.TEXT), ("En circulation", "outstanding_count", Cell.COUNT),
         ("Argent des acheteurs", "buyers_cents", Cell.CENTS), ("Abondement", "topup_cents", Cell.CENTS),
         ("Encours", "outstanding_cents", Cell.CENTS)],
        [[c.campaign_id, c.counts.outstanding, c.buyers_cents, c.topup_cents, c.outstanding_cents]
         for c in li.campaigns],
        [("Encours total", sum(c.outstanding_cents for c in li.campaigns))])


def render_csv(doc: Document) -> str:
    """The rows with the CSV names as header; amounts in integer cents."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([name for _label, name, _kind in doc.columns])
    w.writerows(doc.rows)
    return out.getvalue()


def new_pdf() -> FPDF:
    """An A4 portrait fpdf2 document with DejaVu Sans (accents and the euro sign)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    return pdf


def _cell_text(value: str | int, kind: Cell) -> str:
    if kind is Cell.CENTS:
        return format_cents(int(value))
    return str(value)


def render_pdf(doc: Document, issuer: str = "", now: datetime | None = None) -> bytes:
    """The document as a one-table A4 PDF."""
    pdf = new_pdf()
    pdf.set_title(doc.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, issuer or operator_identity().name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for line in doc.party:
        pdf.cell(0, 5, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, f"{doc.subtitle} · réf. {doc.reference}", new_x="LMARGIN", new_y="NEXT")
    if now is not None:
        pdf.cell(0, 6, f"Établi le {paris_text(now)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _table(pdf, doc)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 12)
    for label, cents in doc.totals:
        pdf.cell(0, 8, f"{label} : {format_cents(cents)}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    for note in doc.notes:
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _table(pdf: FPDF, doc: Document) -> None:
    aligns = tuple("LEFT" if kind is Cell.TEXT else "RIGHT" for _l, _n, kind in doc.columns)
    with pdf.table(text_align=aligns, first_row_as_headings=True) as table:
        table.row([label for label, _n, _k in doc.columns])
        for values in doc.rows:
            table.row([_cell_text(v, kind) for v, (_l, _n, kind) in zip(values, doc.columns, strict=True)])
