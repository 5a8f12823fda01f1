"""The shop statement as files: a PDF (fpdf2, no Qt on the server) and a CSV French spreadsheets read.

Words in French (the operator's and the shop's language); amounts as French users read them; every figure with
the line that says what it is; the stable codes stay in the CSV's ``code`` columns.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voucher_core.money import format_cents, format_plain

from .services.documents import MPV_MENTION, new_pdf

if TYPE_CHECKING:  # fpdf2 loads when a PDF is written, not when the console starts
    from fpdf import FPDF

STATUS_FR = {"confirmed": "confirmé", "voided": "annulé"}
KIND_FR = {"redeem": "encaissement", "activate": "vente"}


def _day(text: str) -> str:
    return date.fromisoformat(text).strftime("%d/%m/%Y")


def figures(st: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, amount, what it is) of the statement's money figures."""
    red, sale = st["by_status"]["redemption"], st["by_status"]["sale"]
    out = [("Dû au commerce par l'opérateur", format_cents(st["reimbursement_cents"]),
            f"{red['confirmed']['count']} bon(s) encaissé(s) et confirmé(s) sur la période, non annulé(s)")]
    if st["commission_cents"] or st["commission_vat_cents"]:
        out += [("Commission de l'opérateur HT", format_cents(st["commission_cents"]),
                 "taux de la campagne en vigueur le jour de chaque encaissement, arrondi une fois par campagne"),
                ("TVA sur la commission", format_cents(st["commission_vat_cents"]),
                 "arrondie une fois par taux sur la commission HT (les bons eux-mêmes n'en portent pas)"),
                ("Commission TTC", format_cents(st["commission_ttc_cents"]), "HT + TVA"),
                ("Commission TTC déduite", format_cents(st["deducted_cents"]),
                 "campagnes dont la commission est retenue sur le remboursement ; les autres sont facturées à part")]
    out.append(("Versé au commerce", format_cents(st["paid_cents"]),
                "dû au commerce − commission TTC déduite : le montant du virement"))
    if red["voided"]["count"]:
        out.append(("Encaissements annulés", format_cents(red["voided"]["cents"]),
                    f"{red['voided']['count']} encaissement(s) annulé(s) : rien n'est dû"))
    if sale["confirmed"]["count"] or sale["voided"]["count"]:
        out += [("À reverser à l'opérateur (ventes)", format_cents(st["remittance_cents"]),
                 f"prix payé par les clients pour {sale['confirmed']['count']} bon(s) vendu(s), non annulé(s)"),
                ("Valeur faciale des bons vendus", format_cents(sale["confirmed"]["face_value_cents"]),
                 "ce que valent ces bons chez les commerçants"),
                ("Abondement du financeur", format_cents(sale["confirmed"]["topup_cents"]),
                 "valeur faciale − prix payé : payé par le financeur de la campagne")]
    return out


def _heading(pdf: FPDF, text: str, size: float = 11) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _row(pdf: FPDF, cells: list[str], widths: list[float], bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", 8)
    for text, width in zip(cells, widths, strict=True):
        pdf.cell(width, 5, text, border=1)
    pdf.ln(5)


def write_pdf(st: dict[str, Any], path: Path | str) -> None:
    """The statement as a PDF: header, figures explained, by campaign, by day, by till."""
    pdf = new_pdf()
    pdf.add_page()
    m = st["merchant"]
    _heading(pdf, f"Relevé du commerce — du {_day(st['from'])} au {_day(st['to'])}", 14)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(0, 5, f"{m['name']} — SIRET {m['siret'] or '—'} — commerce {m['id']}", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(2)
    _heading(pdf, "Les montants, expliqués")
    for label, amount, why in figures(st):
        _row(pdf, [label, amount, why], [60, 28, 102], bold=False)
    pdf.ln(3)
    _heading(pdf, "Par campagne")
    _row(pdf, ["Campagne", "Encaissés", "Dû", "Annulés", "Ventes", "À reverser"], [40, 25, 30, 25, 25, 45], True)
    for camp, s in st["by_campaign"].items():
        r, v = s["redemption"], s["sale"]
        _row(pdf, [camp, str(r["confirmed"]["count"]), format_cents(s["reimbursement_cents"]),
                 str(r["voided"]["count"]), str(v["confirmed"]["count"]), format_cents(s["remittance_cents"])],
                [40, 25, 30, 25, 25, 45])
    pdf.ln(3)
    _heading(pdf, "Par journée comptable (celle de la caisse)")
    _row(pdf, ["Journée", "Encaissés", "Dû", "Ventes", "À reverser"], [40, 30, 40, 30, 50], True)
    for d in st["by_day"]:
        _row(pdf, [_day(d["day"]), str(d["redemption"]["confirmed"]["count"]), format_cents(d["reimbursement_cents"]),
                 str(d["sale"]["confirmed"]["count"]), format_cents(d["remittance_cents"])], [40, 30, 40, 30, 50])
    _row(pdf, ["Total", str(st["counts"]["redeemed"]), format_cents(st["reimbursement_cents"]),
             str(st["counts"]["sold"]), format_cents(st["remittance_cents"])], [40, 30, 40, 30, 50], True)
    pdf.ln(3)
    _heading(pdf, "Par caisse : compté par le serveur et réclamé par ses clôtures")
    _row(pdf, ["Caisse", "Dû (serveur)", "Réclamé (clôtures)", "Différence", "Clôtures"], [50, 35, 35, 30, 40], True)
    for t in st["tills"]:
        _row(pdf, [t["name"], format_cents(t["reimbursement_cents"]), format_cents(t["claimed_cents"]),
                 format_cents(t["claimed_cents"] - t["reimbursement_cents"]), str(len(t["closings"]))],
                [50, 35, 35, 30, 40])
    pdf.set_font("DejaVu", "", 8)
    pdf.ln(2)
    pdf.multi_cell(0, 4, "Une différence par caisse vient d'encaissements pas encore confirmés au moment d'une "
                   "clôture (ils comptent dans la clôture suivante, en régularisation) ou d'une journée pas "
                   "encore clôturée.", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 4, MPV_MENTION, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


# The commission is rounded per campaign, never per voucher: only the totals row carries it.
COMMISSION = (("commission_ht", "commission_cents"), ("tva_commission", "commission_vat_cents"),
              ("commission_ttc", "commission_ttc_cents"), ("commission_deduite", "deducted_cents"),
              ("verse_au_commerce", "paid_cents"))
COLUMNS = ["journee", "type", "code_type", "serie", "campagne", "valeur_faciale", "prix_paye", "abondement",
           "statut", "code_statut", "du_au_commerce", "a_reverser", "caisse", "hors_ligne", "activite",
           *(name for name, _key in COMMISSION)]


def write_csv(st: dict[str, Any], path: Path | str) -> int:
    """One row per redemption or sale, then a totals row; UTF-8 with BOM, ``;``, decimal comma. Returns rows."""
    tills = {t["id"]: t["name"] for t in st["tills"]}
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(COLUMNS)
        for x in st["lines"]:
            red = x["kind"] == "redeem"
            w.writerow([_day(x["day"]), KIND_FR[x["kind"]], x["kind"], f'="{x["serial"]}"', x["campaign_id"],
                        format_plain(x["amount_cents"]), format_plain(x["price_cents"]),
                        format_plain(x["topup_cents"]), STATUS_FR[x["status"]], x["status"],
                        format_plain(x["owed_cents"] if red else 0), format_plain(0 if red else x["owed_cents"]),
                        tills.get(x["terminal_id"], ""), "oui" if x["offline"] else "non", x["id"],
                        *[""] * len(COMMISSION)])
        w.writerow(["", "total", "total", "", "", "", "", "", "", "", format_plain(st["reimbursement_cents"]),
                    format_plain(st["remittance_cents"]), "", "", "",
                    *(format_plain(st[key]) for _name, key in COMMISSION)])
    return len(st["lines"])
