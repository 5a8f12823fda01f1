"""Report models and reconciliation (services/book_reports.py, reconcile.py) over entries written offline by
the till's services; the server's side of a reconciliation is a ``/ledger`` answer given as data, and the real
API client against a closed port shows what a report says when the server does not answer."""

from __future__ import annotations

from typing import Any

from pos_app.services.reconcile import reconcile_lines

from .conftest import FACE, Clock, Shop, utc


def _keys(shop: Shop, n: int) -> list[tuple[str, str]]:
    """(serial, idempotency key) of ``n`` vouchers redeemed offline now."""
    out = []
    for code in shop.vouchers(n):
        o = shop.redeem(code)
        out.append((o.verdict.serial, o.idempotency_key))
    return out


def test_day_and_month_reports_add_up(shop: Shop, clock: Clock) -> None:
    _keys(shop, 2)
    clock.now = utc(2026, 11, 24, 9, 0)
    shop.synced()
    _keys(shop, 1)
    voided = _keys(shop, 1)[0][0]
    assert shop.till.redemptions.void_last().serial == voided
    books = shop.books()
    day = books.day_report("2026-11-24")
    assert [x.status for x in day.lines] == ["pending_sync", "voided"]
    assert day.totals["taken_cents"] == FACE and day.totals["redemption"]["by_status"]["voided"]["cents"] == FACE
    assert (day.shop, day.siret, day.till_id) == ("Boulangerie Martin", "12345678900011", "Caisse 1 (M0001/1)")
    assert day.campaigns == ["BOOST24"] and day.closing is None and day.reconciliation is None
    assert day.key_fingerprint == books.key_fingerprint()
    clock.now = utc(2026, 11, 24, 19, 0)
    books.close_day("2026-11-23")
    month = books.month_report("2026-11")
    assert [(d, t["taken_cents"], closing is not None) for d, t, closing in month.days] == [
        ("2026-11-23", 2 * FACE, True), ("2026-11-24", FACE, False)]
    assert month.totals["taken_cents"] == 3 * FACE == 3600
    assert month.totals["redemption"]["count"] == 4 and month.closing is None


def test_reconciliation_finds_each_kind_of_difference(shop: Shop) -> None:
    (s1, k1), (s2, k2), (s3, _k3) = _keys(shop, 3)
    server: dict[str, Any] = {"activities": [
        {"kind": "redeem", "id": 71, "idempotency_key": k1, "serial": s1, "amount_cents": FACE, "terminal": "Caisse 1"},
        {"kind": "redeem", "id": 72, "idempotency_key": k2, "serial": s2, "amount_cents": 1000},
        {"kind": "redeem", "id": 73, "idempotency_key": "elsewhere", "serial": "000000099999",
         "campaign_id": "BOOST24", "amount_cents": FACE},
        {"kind": "void", "id": 74, "ref_id": 73}],
        "totals": {"redeemed_cents": 2 * FACE + 1000}}
    asked: list[str] = []

    def ledger(day: str) -> dict[str, Any]:
        asked.append(day)
        return server

    recon = shop.books().reconcile("2026-11-23", ledger)
    assert asked == ["2026-11-23"]
    assert recon.counts() == {"matched": 1, "only_here": 1, "only_server": 1, "conflict": 1}
    matched, = recon.of("matched")
    assert (matched.serial, matched.server_id, matched.note) == (s1, 71, "confirmed_on_server")
    differs, = recon.of("conflict")
    assert (differs.serial, differs.note, differs.amount_cents) == (s2, "amount_differs", FACE)
    here, = recon.of("only_here")
    assert (here.serial, here.note) == (s3, "not_synced")
    there, = recon.of("only_server")
    assert (there.serial, there.note, there.amount_cents) == ("000000099999", "voided", FACE)
    assert recon.server_totals == {"redeemed_cents": 3400}
    # the same comparison, pure, on the lines the books fold
    assert reconcile_lines("2026-11-23", shop.books().day_lines("2026-11-23"), server).items == recon.items


def test_report_without_the_server_says_why(shop: Shop) -> None:
    _keys(shop, 2)
    report = shop.books().reconciled_day_report("2026-11-23", "fr", shop.till.api)
    assert report.reconciliation is None and report.recon_error == "connection"
    assert report.totals["taken_cents"] == 2 * FACE
