"""The day book reads a fallback to offline and a confirmation's amount the way the till services write them."""

from __future__ import annotations

from pos_app.core.daybook import ACCEPTED, fold
from voucher_core.ledger import EntryKind, LedgerEntry


def _entry(seq: int, kind: EntryKind, **kw) -> LedgerEntry:
    return LedgerEntry(seq=seq, ts_utc="2026-11-23T10:00:00.000000Z", business_day="2026-11-23", kind=kind,
                       till_id="T1", **kw)


def test_offline_switch_marks_the_redemption_offline_and_confirmation_fills_unknown_amount() -> None:
    entries = [
        _entry(1, EntryKind.REDEMPTION, voucher="000000004269", mode="online", idempotency_key="k1"),
        _entry(2, EntryKind.OFFLINE_SWITCH, voucher="000000004269", ref_seq=1, mode="offline"),
        _entry(3, EntryKind.REDEMPTION_CONFIRMED, voucher="000000004269", campaign_id="BOOST24",
               amount_cents=1200, ref_seq=1),
    ]
    line = fold(entries)[1]
    assert line.mode == "offline"
    assert line.amount_cents == 1200 and line.campaign_id == "BOOST24"
    assert line.status == ACCEPTED
