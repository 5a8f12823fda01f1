"""CSV as French spreadsheets read it: UTF-8 with BOM, ``;`` separator, decimal comma, one row per voucher."""

from __future__ import annotations

import csv as _csv
from pathlib import Path

from ..core import daybook
from ..core.money import format_plain
from .labels import when
from .model import DayReport

COLUMNS = ["date_heure_paris", "type", "serie", "campagne", "valeur_faciale", "prix_paye", "abondement", "mode",
           "status", "caisse", "caissier", "ecriture", "cle_idempotence"]


def write_csv(report: DayReport, path: Path | str) -> int:
    """Write the report's voucher lines (``status``: accepted, voided, pending_sync, conflict); returns rows."""
    rows = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = _csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for x in report.lines:
            if x.status == daybook.REJECTED:
                continue  # refused while online: the voucher was never taken
            writer.writerow([when(x.ts_utc), x.kind, x.voucher, x.campaign_id, format_plain(x.amount_cents),
                             format_plain(x.price_cents), format_plain(x.topup_cents), x.mode, x.status,
                             x.till_id, x.cashier, x.seq, x.idempotency_key])
            rows += 1
    return rows
