"""CSV as French spreadsheets read it: UTF-8 with BOM, ``;`` separator, decimal comma, one row per voucher, then
the regularisations carried by the day's closing, then a totals row.

Serials are written ``="000000000017"`` so a spreadsheet keeps them as text (leading zeros). ``statut`` is in
the report's language; ``status`` (the current state) and ``statut_cloture`` (the state the closing counted)
are stable codes for programs: accepted, voided, pending_sync, conflict.
"""

from __future__ import annotations

import csv as _csv
from pathlib import Path

from voucher_core.money import format_plain

from ..core import daybook
from ..core.daybook import VoucherLine
from . import explain
from .labels import day_text, t, when
from .model import DayReport

COLUMNS = ["date_heure_paris", "type", "serie", "campagne", "valeur_faciale", "prix_paye", "abondement", "mode",
           "statut", "status", "statut_cloture", "du_par_operateur", "a_reverser", "detail", "caisse", "caissier",
           "ecriture", "cle_idempotence"]


def as_text(serial: str) -> str:
    """A serial a spreadsheet keeps as text (a bare 000000000017 would lose its zeros)."""
    return f'="{serial}"' if serial else ""


def _line_row(x: VoucherLine, now: str, closed: bool, lang: str) -> list[str | int]:
    settled = daybook.settled_cents(x)
    red = x.kind == daybook.REDEMPTION
    detail = explain.conflict_words(x.verdict, x.conflict_by, x.conflict_at, lang) if now == daybook.CONFLICT else ""
    return [when(x.ts_utc, lang), t(x.kind, lang).lower(), as_text(x.voucher), x.campaign_id,
            format_plain(x.amount_cents), format_plain(x.price_cents), format_plain(x.topup_cents),
            t(x.mode, lang) if x.mode in ("online", "offline") else x.mode, t(now, lang), now,
            x.status if closed else "", format_plain(settled if red else 0), format_plain(0 if red else settled),
            detail, x.till_id, x.cashier, x.seq, x.idempotency_key]


def write_csv(report: DayReport, path: Path | str, lang: str = "fr") -> int:
    """Write the report's voucher lines, regularisations and totals; returns the number of voucher rows."""
    current = {x.seq: x.status for x in report.changed_since_closing}
    closed = report.closing is not None
    rows = 0
    sums = dict.fromkeys(("face", "price", "topup"), 0)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = _csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for x in report.lines:
            if x.status == daybook.REJECTED:
                continue  # refused while online: the voucher was never taken
            writer.writerow(_line_row(x, current.get(x.seq, x.status), closed, lang))
            rows += 1
            if x.status != daybook.VOIDED:
                sums["face"] += x.amount_cents
                sums["price"] += x.price_cents
                sums["topup"] += x.topup_cents
        for r in report.regularisations:
            writer.writerow([day_text(r.origin_day, lang), t("regularisations", lang).lower(), as_text(r.serial),
                             r.campaign_id, format_plain(r.amount_cents), "", "", "",
                             f"{t(r.before, lang)} → {t(r.after, lang)}", r.after, "",
                             format_plain(r.owed_by_operator_delta_cents), format_plain(r.owed_to_operator_delta_cents),
                             explain.regularisation_words(r, lang), "", "", r.seq, ""])
        totals = report.totals
        writer.writerow(["", t("total", lang).lower(), "", "", format_plain(sums["face"]), format_plain(sums["price"]),
                         format_plain(sums["topup"]), "", "", "", "",
                         format_plain(int(totals.get("reimbursement_cents", totals.get("owed_by_operator_cents", 0)))),
                         format_plain(int(totals.get("remittance_cents", totals.get("owed_to_operator_cents", 0)))),
                         "hors annulations ; dû et à reverser : ce que réclame la journée" if lang != "en" else
                         "voids excluded; owed and to remit: what the day claims", "", "", "", ""])
    return rows
