"""A commission invoice or credit note as a PDF (fpdf2) and as a Factur-X PDF (EN 16931 CII XML embedded with
the ``factur-x`` package), from the frozen figures of ``services.commission_invoices.Invoice``.

The CII XML is written here, elements in the schema's order; ``facturx`` checks it against its own XSD when it
embeds it. The VAT breakdown is one entry per rate whose tax is the invoice's (half up once on the rate's HT,
as docs/books.md says), which is also EN 16931's rule BR-CO-17.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from voucher_core.money import format_cents

from .models_commission import InvoiceKind
from .services.commission_invoices import Invoice
from .services.documents import MPV_MENTION, new_pdf

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
PROFILE = "urn:cen.eu:en16931:2017"
PENALTIES = ("En cas de retard de paiement : pénalités au taux de la BCE majoré de 10 points (C. com. art. "
             "L441-10) et indemnité forfaitaire pour frais de recouvrement de 40 € (art. D441-5). "
             "Pas d'escompte pour paiement anticipé.")
ET.register_namespace("rsm", RSM)
ET.register_namespace("ram", RAM)
ET.register_namespace("udt", UDT)


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _percent(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}"


def _el(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _date(parent: ET.Element, tag: str, day: date) -> None:
    _el(_el(parent, RAM, tag), UDT, "DateTimeString", f"{day:%Y%m%d}", format="102")


def _party(parent: ET.Element, tag: str, p: dict[str, Any]) -> None:
    party = _el(parent, RAM, tag)
    _el(party, RAM, "Name", p["name"])
    if p.get("siret"):
        _el(_el(party, RAM, "SpecifiedLegalOrganization"), RAM, "ID", p["siret"], schemeID="0009")
    address = _el(party, RAM, "PostalTradeAddress")
    if p.get("address"):
        _el(address, RAM, "LineOne", p["address"])
    _el(address, RAM, "CountryID", "FR")
    if p.get("vat_number"):
        _el(_el(party, RAM, "SpecifiedTaxRegistration"), RAM, "ID", p["vat_number"], schemeID="VA")


def _tax(parent: ET.Element, vat_bp: int, basis: int | None = None, vat: int | None = None) -> None:
    tax = _el(parent, RAM, "ApplicableTradeTax")
    if vat is not None:
        _el(tax, RAM, "CalculatedAmount", _euros(vat))
    _el(tax, RAM, "TypeCode", "VAT")
    if basis is not None:
        _el(tax, RAM, "BasisAmount", _euros(basis))
    _el(tax, RAM, "CategoryCode", "S")
    _el(tax, RAM, "RateApplicablePercent", _percent(vat_bp))


def line_label(line: dict[str, Any]) -> str:
    return (f"Commission {_percent(line['rate_bp']).replace('.', ',')} % sur {format_cents(line['face_value_cents'])}"
            f" de bons {line['campaign_id']} remboursés ({line['count']})")


def _line(parent: ET.Element, number: int, line: dict[str, Any]) -> None:
    item = _el(parent, RAM, "IncludedSupplyChainTradeLineItem")
    _el(_el(item, RAM, "AssociatedDocumentLineDocument"), RAM, "LineID", str(number))
    _el(_el(item, RAM, "SpecifiedTradeProduct"), RAM, "Name", line_label(line))
    price = _el(_el(item, RAM, "SpecifiedLineTradeAgreement"), RAM, "NetPriceProductTradePrice")
    _el(price, RAM, "ChargeAmount", _euros(line["commission_cents"]))
    _el(_el(item, RAM, "SpecifiedLineTradeDelivery"), RAM, "BilledQuantity", "1", unitCode="C62")
    settle = _el(item, RAM, "SpecifiedLineTradeSettlement")
    _tax(settle, line["vat_bp"])
    _el(_el(settle, RAM, "SpecifiedTradeSettlementLineMonetarySummation"), RAM, "LineTotalAmount",
        _euros(line["commission_cents"]))


def vat_breakdown(inv: Invoice) -> list[tuple[int, int, int]]:
    """(rate in bp, HT, VAT) per VAT rate of the invoice."""
    rates = sorted({x["vat_bp"] for x in inv.lines})
    return [(r, sum(x["commission_cents"] for x in inv.lines if x["vat_bp"] == r),
             sum(x["commission_vat_cents"] for x in inv.lines if x["vat_bp"] == r)) for r in rates]


def _settlement(tx: ET.Element, inv: Invoice) -> None:
    settle = _el(tx, RAM, "ApplicableHeaderTradeSettlement")
    _el(settle, RAM, "InvoiceCurrencyCode", "EUR")
    iban = inv.parties["issuer"].get("iban", "")
    if iban and inv.kind is InvoiceKind.INVOICE:
        means = _el(settle, RAM, "SpecifiedTradeSettlementPaymentMeans")
        _el(means, RAM, "TypeCode", "58")  # SEPA credit transfer
        _el(_el(means, RAM, "PayeePartyCreditorFinancialAccount"), RAM, "IBANID", "".join(iban.split()).upper())
    for rate, basis, vat in vat_breakdown(inv):
        _tax(settle, rate, basis, vat)
    period = _el(settle, RAM, "BillingSpecifiedPeriod")
    _date(period, "StartDateTime", inv.period.start)
    _date(period, "EndDateTime", inv.period.end)
    terms = _el(settle, RAM, "SpecifiedTradePaymentTerms")
    _el(terms, RAM, "Description", PENALTIES)
    _date(terms, "DueDateDateTime", inv.due_day)
    total = _el(settle, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(total, RAM, "LineTotalAmount", _euros(inv.commission_cents))
    _el(total, RAM, "TaxBasisTotalAmount", _euros(inv.commission_cents))
    _el(total, RAM, "TaxTotalAmount", _euros(inv.vat_cents), currencyID="EUR")
    _el(total, RAM, "GrandTotalAmount", _euros(inv.ttc_cents))
    _el(total, RAM, "TotalPrepaidAmount", _euros(inv.deducted_cents))
    _el(total, RAM, "DuePayableAmount", _euros(inv.to_pay_cents))
    if inv.corrects:
        _el(_el(settle, RAM, "InvoiceReferencedDocument"), RAM, "IssuerAssignedID", inv.corrects)


def facturx_xml(inv: Invoice) -> bytes:
    """The invoice as EN 16931 CII XML (type 380 invoice, 381 credit note)."""
    root = ET.Element(f"{{{RSM}}}CrossIndustryInvoice")
    ctx = _el(root, RSM, "ExchangedDocumentContext")
    _el(_el(ctx, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", PROFILE)
    doc = _el(root, RSM, "ExchangedDocument")
    _el(doc, RAM, "ID", inv.number)
    _el(doc, RAM, "TypeCode", "381" if inv.kind is InvoiceKind.CREDIT_NOTE else "380")
    _date(doc, "IssueDateTime", inv.issue_day)
    for text, subject in ((PENALTIES, "PMD"), (MPV_MENTION, "AAI"), (inv.reason, "AAI")):
        if text:
            note = _el(doc, RAM, "IncludedNote")
            _el(note, RAM, "Content", text)
            _el(note, RAM, "SubjectCode", subject)
    tx = _el(root, RSM, "SupplyChainTradeTransaction")
    for number, line in enumerate(inv.lines, 1):
        _line(tx, number, line)
    agreement = _el(tx, RAM, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", inv.parties["issuer"])
    _party(agreement, "BuyerTradeParty", inv.parties["customer"])
    _el(tx, RAM, "ApplicableHeaderTradeDelivery")
    _settlement(tx, inv)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def _day(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _parties(pdf: Any, inv: Invoice) -> None:
    me, shop = inv.parties["issuer"], inv.parties["customer"]
    pdf.set_font("DejaVu", "", 9)
    left = [me["name"], me["address"], f"SIRET {me['siret']}", f"TVA intracommunautaire {me['vat_number']}"]
    right = [shop["name"], shop["address"] or "adresse non renseignée", f"SIRET {shop['siret'] or '—'}"]
    y = pdf.get_y()
    pdf.multi_cell(95, 5, "\n".join(left), new_x="RIGHT", new_y="TOP")
    pdf.set_xy(110, y)
    pdf.multi_cell(90, 5, "\n".join(right), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _title(inv: Invoice) -> str:
    return f"Avoir n° {inv.number}" if inv.kind is InvoiceKind.CREDIT_NOTE else f"Facture n° {inv.number}"


def _facts(inv: Invoice) -> list[str]:
    out = [f"Date : {_day(inv.issue_day)} · Prestation du {_day(inv.period.start)} au {_day(inv.period.end)}"]
    if inv.kind is InvoiceKind.CREDIT_NOTE:
        out.append(f"Annule la facture n° {inv.corrects} · Motif : {inv.reason}")
    else:
        out.append(f"Échéance : {_day(inv.due_day)}")
    return out


def _totals(inv: Invoice) -> list[tuple[str, int]]:
    rows = [("Total HT", inv.commission_cents)]
    rows += [(f"TVA {_percent(r).replace('.', ',')} % sur {format_cents(b)}", v) for r, b, v in vat_breakdown(inv)]
    if inv.kind is InvoiceKind.CREDIT_NOTE:
        return [*rows, ("Montant de l'avoir TTC", inv.ttc_cents)]
    rows.append(("Total TTC", inv.ttc_cents))
    if inv.deducted_cents:
        rows.append(("Déjà déduit de vos remboursements", inv.deducted_cents))
    return [*rows, ("Reste à payer", inv.to_pay_cents)]


def invoice_pdf(inv: Invoice) -> bytes:
    """The invoice or credit note with every mention a French invoice needs."""
    pdf = new_pdf()
    pdf.set_title(_title(inv))
    pdf.add_page()
    _parties(pdf, inv)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 9, _title(inv), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for fact in _facts(inv):
        pdf.multi_cell(0, 6, fact, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"), col_widths=(100, 25, 20, 25)) as table:
        table.row(["Désignation", "HT", "TVA", "TTC"])
        for line in inv.lines:
            table.row([line_label(line), format_cents(line["commission_cents"]),
                       f"{_percent(line['vat_bp']).replace('.', ',')} %", format_cents(line["commission_ttc_cents"])])
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 10)
    for label, cents in _totals(inv):
        pdf.cell(0, 6, f"{label} : {format_cents(cents)}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.ln(3)
    for note in (PENALTIES, MPV_MENTION):
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def facturx_pdf(inv: Invoice) -> bytes:
    """The PDF with its CII XML embedded as factur-x.xml (profile EN 16931), checked against facturx's XSD."""
    from facturx import generate_from_binary

    pdf = generate_from_binary(invoice_pdf(inv), facturx_xml(inv), flavor="factur-x", level="en16931",
                               check_xsd=True, lang="fr-FR")
    return bytes(pdf)
