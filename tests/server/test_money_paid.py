"""What each voucher's buyer paid, through the real API (SQLite and the PostgreSQL hot path): after the top-up's
end a voucher is worth what its buyer paid (a company that paid the face value keeps it), and the funder is
invoiced only what the buyer did not pay, at most the campaign's top-up. Cents computed by hand."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import undefer

from voucher_core.campaigns import Campaign
from voucher_core.money import format_cents
from voucher_core.timeutil import business_day, utc_now
from voucher_server import admin
from voucher_server.console.figures import campaign_figures
from voucher_server.db import Database
from voucher_server.models import Campaign as CampaignRow
from voucher_server.models import Terminal, Voucher
from voucher_server.printing import _value_lines, print_vouchers
from voucher_server.services.funders import add_funder, funder_invoice, link_funder
from voucher_server.services.liability import breakage, liability
from voucher_server.services.orders import place_order
from voucher_server.services.periods import Period

from .conftest import Api

P = "/api/v1"
SECRET = os.environ["VOUCHER_SERVER_SECRET"]


def test_value_and_topup_by_what_the_buyer_paid() -> None:
    c = Campaign("B", "B", 1200, 1000, date(2026, 11, 14), date(2027, 2, 28), topup_until=date(2027, 1, 31))
    before, after = date(2027, 1, 31), date(2027, 2, 1)  # the top-up's last day counts
    # (paid) -> (value before, funder before, value after, funder after)
    expected = {1200: (1200, 0, 1200, 0),  # a company paid the face value: no top-up, ever
                1000: (1200, 200, 1000, 0), None: (1200, 200, 1000, 0),  # a tobacconist's sale (NULL: old rows)
                900: (1200, 200, 900, 0)}  # 1 € discount beyond the top-up: the operator's cost
    got = {p: (c.value_on(before, p), c.topup_on(before, p), c.value_on(after, p), c.topup_on(after, p))
           for p in expected}
    assert got == expected
    plain = Campaign("O", "O", 1200, 1000, date(2026, 11, 14), date(2027, 2, 28))
    assert (plain.value_on(after, 1200), plain.topup_on(after, 1200), plain.topup_on(after, 900)) == (1200, 0, 200)


def _campaigns(api: Api) -> dict[str, list[str]]:
    """ENDED (top-up ended yesterday) and LIVE (top-up until in ten days), 12 € sold 10 €, one funder each; in
    each, three vouchers: ordered at 12 €, ordered at 9 €, sold by a tobacconist (in that order)."""
    today = business_day(utc_now())
    now = utc_now()
    db = Database(api.db_url)
    codes: dict[str, list[str]] = {}
    with db.writing() as s:
        seller = s.query(Terminal).filter(Terminal.merchant_id == "M0004").first()
        for cid, until in (("ENDED", today - timedelta(days=1)), ("LIVE", today + timedelta(days=10))):
            admin.create_campaign(s, cid, cid, 1200, 1000, today - timedelta(days=30), today + timedelta(days=30),
                                  SECRET, merchant_ids=["M0001"], seller_ids=["M0004"], topup_until=until)
            serials = [place_order(s, "Entreprise", cid, 1, "ops", now, SECRET, price_cents=1200).vouchers[0],
                       place_order(s, "Mairie", cid, 1, "ops", now, SECRET, price_cents=900).vouchers[0]]
            sold = admin.issue(s, cid, 1, secret=SECRET)
            admin.activate_batch(s, sold, "M0004", seller.id if seller else None)
            link_funder(s, cid, add_funder(s, f"Ville {cid}").id)
            codes[cid] = [s.get(Voucher, serial).code for serial in [*serials, *sold]]  # type: ignore[union-attr]
    db.dispose()
    return codes


def test_printed_value_after_the_topup_is_what_the_buyer_paid(api: Api, tmp_path: Path) -> None:
    _campaigns(api)
    db = Database(api.db_url)
    with db.reading() as s:
        camp = s.get(CampaignRow, "ENDED", options=[undefer(CampaignRow.topup_until)])
        assert camp is not None
        after = {p: _value_lines(camp, p)[1].partition(", puis ")[2] for p in (1200, 900, None)}
    # A company's 12 € voucher keeps its face value: no "then" on it.
    assert after == {1200: "", 900: format_cents(900), None: format_cents(1000)}
    assert print_vouchers(db, "ENDED", tmp_path / "bons.pdf") == 3  # paid_cents loaded with the vouchers
    assert (tmp_path / "bons.pdf").read_bytes().startswith(b"%PDF")
    db.dispose()


def test_redeemed_at_what_the_buyer_paid_and_the_funder_charged_the_rest(api: Api) -> None:
    codes = _campaigns(api)
    api.app.state.ctx.campaigns._at = -1e9  # campaigns were added behind the server's 2-second cache
    token = api.token("merchant")
    today = business_day(utc_now())
    db = Database(api.db_url)
    with db.reading() as s:
        owed = {c["campaign_id"]: (c["outstanding_cents"], c["buyers_cents"], c["topup_cents"])
                for c in liability(s, today).as_json()["campaigns"]}
        # At LIVE's end (its top-up over by then) what would expire: 12 + 9 + 10 €, no top-up.
        left_at_end = breakage(s, "LIVE", today).as_json()
    # ENDED: 12 + 9 + 10 €, no top-up left; LIVE: 3 x 12 €, top-up 0 + 2 + 2 €.
    assert (owed["ENDED"], owed["LIVE"]) == ((3100, 3100, 0), (3600, 3200, 400))
    assert (left_at_end["expired_cents"], left_at_end["topup_cents"]) == (3100, 0)
    look = api.client.get(f"{P}/vouchers/{codes['ENDED'][0]}", headers=api.h(token)).json()
    assert (look["value_cents"], look["paid_cents"], look["topup_ended"]) == (1200, 1200, True)
    amounts = {}
    for cid, their_codes in codes.items():
        for n, code in enumerate(their_codes):
            # The signed code names its campaign: the one-statement write of the hot path (PostgreSQL) takes it.
            r = api.client.post(f"{P}/vouchers/{code}/redeem", headers=api.h(token),
                                json={"idempotency_key": f"paid-{cid}-{n:06d}"})
            assert r.status_code == 200, r.text
            amounts[cid, n] = r.json()["amount_cents"]
    assert [amounts["ENDED", n] for n in range(3)] == [1200, 900, 1000]
    assert [amounts["LIVE", n] for n in range(3)] == [1200, 1200, 1200]
    with db.reading() as s:
        invoices = {cid: funder_invoice(s, fid, Period(today, today)).topup_cents
                    for cid, fid in (("ENDED", "F0001"), ("LIVE", "F0002"))}
        left = {c["campaign_id"]: c["outstanding_cents"] for c in liability(s, today).as_json()["campaigns"]}
        dashboard = {cid: campaign_figures(s, s.get(CampaignRow, cid), today).total.topup_spent_cents  # type: ignore[arg-type]
                     for cid in ("ENDED", "LIVE")}
    db.dispose()
    assert invoices == {"ENDED": 0, "LIVE": 400}  # LIVE: the 9 € and the 10 € vouchers, 2 € each
    assert (left["ENDED"], left["LIVE"]) == (0, 0)
    assert dashboard == {"ENDED": 0, "LIVE": 400}  # the console's top-up spent: the same rule
