"""The operator's money figures after the simulated campaign, against the activity log read with plain SQL:
each shop's reimbursement (and the SEPA file paying them), each tobacconist's remittance, the funder's invoice
(the top-up of the redemptions not voided, nothing after the top-up's end) and the liability."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from voucher_server.db import Database
from voucher_server.services import bank, funders, liability, remittance, sepa, settlement
from voucher_server.services.periods import Period

IBAN = "FR7630006000011234567890189"
LIVE = " AND id NOT IN (SELECT ref_id FROM activities WHERE kind = ? AND ref_id IS NOT NULL)"


def _log(db_path: Path, sql: str, *args: object) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(sql, args).fetchone()[0] or 0)


def check_money_figures(db: Database, db_path: Path, days: list[date], shops: list[str], sellers: list[str],
                        campaign: str) -> None:
    period = Period(days[0], days[-1])
    with db.writing() as s:
        funder = funders.add_funder(s, "Communauté de communes").id
        funders.link_funder(s, campaign, funder)
        for mid in shops:
            bank.set_bank_details(s, mid, IBAN)
    with db.reading() as s:
        owed = {d.merchant_id: d.amount_cents for d in settlement.shops_due(s, period)}
        for mid in shops:
            assert owed[mid] == _log(db_path, "SELECT SUM(amount_cents) FROM activities WHERE merchant_id = ?"
                                     " AND kind = 'redeem'" + LIVE, mid, "void"), mid
        export = sepa.sepa_credit_transfer(s, period, sepa.Debtor("Office du commerce", IBAN), datetime.now(UTC),
                                           pain="03")
        assert export.control_sum_cents == sum(owed.values()) and not export.skipped
        for mid in sellers:
            assert remittance.remittance(s, mid, period).cash_owed_cents == _log(
                db_path, "SELECT SUM(sale_price_cents) FROM activities WHERE merchant_id = ? AND kind = 'activate'"
                + LIVE, mid, "sale_void"), mid
        # 1200 sold 1000: 200 of top-up a redemption until its end (today), nothing after (tomorrow).
        for amount in (1200, 1000):
            assert _log(db_path, "SELECT COUNT(*) FROM activities WHERE kind = 'redeem' AND amount_cents = ?",
                        amount), f"no redemption at {amount}"
        topup = _log(db_path, "SELECT SUM(amount_cents - 1000) FROM activities WHERE kind = 'redeem'" + LIVE, "void")
        assert funders.funder_invoice(s, funder, period).topup_cents == topup
        left = _log(db_path, "SELECT COUNT(*) FROM vouchers WHERE state = 'active'")
        line = liability.liability(s, days[-1]).campaigns[0]
        assert (line.counts.outstanding, line.buyers_cents) == (left, left * 1000)
        assert line.topup_cents == left * (line.value_cents - 1000)
