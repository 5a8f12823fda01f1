"""Every money figure of the operator against cents computed by hand, on SQLite and PostgreSQL.

The scheme (tests/server/money_scenario.py): BOOST 12 € sold 10 €, top-up until 31/01/2027, valid until
28/02/2027, funded 75 % by F0001 and 25 % by F0002; OLD 10 € sold 8 €, valid until 31/12/2026, F0002 alone.
The tobacconist M0003 sells 6 BOOST on 20/11 and voids one sale, and 2 OLD on 10/11; the Mairie orders 3 BOOST
on 01/12. Redemptions: v0 at M0001 05/12 (12 €), v1 at M0001 06/12 (12 €, voided the same day), v2 at M0002
06/12 (12 €), order[0] at M0001 20/12 (12 €), OLD o0 at M0001 10/12 (10 €), v1 again at M0002 10/02/2027
(10 €: top-up over), v3 at M0001 15/02 (10 €).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from voucher_server.db import Database
from voucher_server.models_money import PaymentMethod
from voucher_server.services import funders, liability, remittance, settlement
from voucher_server.services.periods import Period, split_cents

from .money_scenario import at, build

DEC = Period(date(2026, 12, 1), date(2026, 12, 31))
FEB = Period(date(2027, 2, 1), date(2027, 2, 28))
NOV = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def scheme(db_url: str) -> Iterator[tuple[Database, dict[str, Any]]]:
    """A scheme of its own, for tests that add to it."""
    serials = build(db_url)
    db = Database(db_url)
    yield db, serials
    db.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Database, dict[str, Any]]]:
    """One scheme per database for the tests that only read it (built once: migrations are slow)."""
    url = (f"sqlite:///{tmp_path_factory.mktemp('money') / 'money.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_server")())
    serials = build(url)
    db = Database(url)
    yield db, serials
    db.dispose()


def test_split_cents_adds_up() -> None:
    assert split_cents(600, [7500, 2500]) == [450, 150]
    assert split_cents(1, [5000, 5000]) == [1, 0]
    assert split_cents(100, [1, 1, 1]) == [34, 33, 33]


def test_shop_statements(shared: tuple[Database, dict[str, Any]]) -> None:
    db, _ = shared
    with db.reading() as s:
        a_dec = settlement.shop_reimbursement(s, "M0001", DEC)
        # v0 1200 + v1 1200 + order[0] 1200 + OLD o0 1000 - void of v1 1200
        assert (a_dec.redeemed_count, a_dec.redeemed_cents, a_dec.voided_count, a_dec.amount_cents) == \
            (4, 4600, 1, 3400)
        assert settlement.shop_reimbursement(s, "M0002", DEC).amount_cents == 1200
        assert settlement.shop_reimbursement(s, "M0001", FEB).amount_cents == 1000  # v3 after the top-up
        assert settlement.shop_reimbursement(s, "M0002", FEB).amount_cents == 1000  # v1 again, 10 €
        assert [(d.merchant_id, d.amount_cents) for d in settlement.shops_due(s, DEC)] == \
            [("M0001", 3400), ("M0002", 1200)]


def test_remittance_and_received(scheme: tuple[Database, dict[str, Any]]) -> None:
    db, _ = scheme
    with db.reading() as s:
        r = remittance.remittance(s, "M0003", NOV)
        # BOOST 6 x 1000 - 1 x 1000, OLD 2 x 800
        assert r.cash_owed_cents == 6600
        assert [(c.campaign_id, c.sold_count, c.voided_count, c.owed_cents, c.topup_cents) for c in r.campaigns] == \
            [("BOOST", 6, 1, 5000, 1000), ("OLD", 2, 0, 1600, 400)]
        assert remittance.remittance(s, "M0003", DEC).cash_owed_cents == 0  # the bulk order is not the seller's
        assert [(r.seller_id, r.cash_owed_cents) for r in remittance.remittances(s, NOV)] == [("M0003", 6600)]
        assert remittance.remittances(s, DEC) == []
    with db.writing() as s:
        got = remittance.mark_remittance_received(s, "M0003", NOV, PaymentMethod.CASH, "accueil", at("2026-12-02"))
        assert got.amount_cents == 6600
        with pytest.raises(ValueError, match="already received"):
            remittance.mark_remittance_received(s, "M0003", Period(date(2026, 11, 15), date(2026, 11, 30)),
                                                PaymentMethod.TRANSFER, "accueil", at("2026-12-02"))
    with db.reading() as s:
        assert remittance.remittance(s, "M0003", NOV).as_json()["received"]["method"] == "cash"


def test_funder_invoices_use_the_value_of_the_day(shared: tuple[Database, dict[str, Any]]) -> None:
    db, _ = shared
    with db.reading() as s:
        # BOOST top-up spent in December: v0, v1, v2, order[0] at 200 each, minus v1's void = 600 -> 450 / 150.
        assert [f.id for f in funders.list_funders(s)] == ["F0001", "F0002"]
        f1 = funders.funder_invoice(s, "F0001", DEC)
        assert f1.topup_cents == 450 and f1.lines[0].campaign_topup_cents == 600
        assert f1.lines[0].redeemed_count == 3
        # F0002: 150 of BOOST + all of OLD's (o0: 1000 - 800).
        assert funders.funder_invoice(s, "F0002", DEC).topup_cents == 350
        # February: redeemed at 10 €, the top-up had ended: nothing to invoice.
        feb = funders.funder_invoice(s, "F0001", FEB)
        assert feb.topup_cents == 0 and feb.lines[0].redeemed_count == 2
        whole = Period(date(2026, 11, 1), date(2027, 2, 28))
        assert funders.funder_invoice(s, "F0001", whole).topup_cents == 450
        assert funders.funder_invoice(s, "F0002", whole).topup_cents == 350


def test_liability_by_day(shared: tuple[Database, dict[str, Any]]) -> None:
    db, _ = shared
    with db.reading() as s:
        nov = liability.liability(s, date(2026, 11, 30)).as_json()
        # BOOST 5 sold x 1200 (5000 buyers + 1000 top-up); OLD 2 x 1000 (1600 + 400).
        assert (nov["outstanding_cents"], nov["buyers_cents"], nov["topup_cents"]) == (8000, 6600, 1400)
        dec = liability.liability(s, date(2026, 12, 31)).as_json()
        # BOOST 5 sold + 3 ordered - 3 redeemed (v0, v2, order[0]) = 5 x 1200; OLD 2 - 1 = 1 x 1000.
        boost = dec["campaigns"][0]
        assert (boost["sold_count"], boost["ordered_count"], boost["redeemed_count"]) == (5, 3, 3)
        assert (dec["outstanding_count"], dec["outstanding_cents"], dec["topup_cents"]) == (6, 7000, 1200)
        feb = liability.liability(s, date(2027, 2, 10)).as_json()
        # OLD expired; BOOST 8 - 4 = 4 at 10 € (top-up over): all buyers' money.
        assert (feb["outstanding_cents"], feb["buyers_cents"], feb["topup_cents"]) == (4000, 4000, 0)
        assert [c["campaign_id"] for c in feb["campaigns"]] == ["BOOST"]
        assert liability.liability(s, date(2027, 3, 1)).as_json()["outstanding_cents"] == 0


def test_breakage_by_funder(shared: tuple[Database, dict[str, Any]]) -> None:
    db, _ = shared
    with db.reading() as s:
        old = liability.breakage(s, "OLD", date(2027, 1, 1)).as_json()
        assert (old["ended"], old["expired_count"], old["buyers_cents"], old["topup_cents"]) == (True, 1, 800, 200)
        assert old["by_funder"] == [{"funder_id": "F0002", "topup_cents": 200}]
        boost = liability.breakage(s, "BOOST", date(2027, 3, 1)).as_json()
        # 5 sold + 3 ordered - 5 redeemed = 3 left at 10 €; unsold: v5 (sale voided) .. v9.
        assert (boost["expired_count"], boost["expired_cents"], boost["topup_cents"], boost["unsold_count"]) == \
            (3, 3000, 0, 5)
        assert not liability.breakage(s, "BOOST", date(2027, 2, 28)).ended


def test_a_void_after_midnight_undoes_the_redemption_on_its_own_day(scheme: tuple[Database, dict[str, Any]]) -> None:
    """A redemption at 23:58 on 31/12 voided at 00:01 on 01/01: December's statement and invoice leave it out (as
    the shop statement does: voided whenever), January owes nothing for it; the liability follows the days."""
    db, _ = scheme
    with db.writing() as s:
        from voucher_server import admin

        from .money_scenario import SECRET, Book

        late = admin.issue(s, "BOOST", 1, secret=SECRET)[0]
        book = Book(s)
        book.sell(late, "M0003", at("2026-11-20"))
        book.redeem(late, "M0002", at("2026-12-31", 23) + timedelta(minutes=58), 1200)
        book.void(late, "M0002", at("2027-01-01", 0) + timedelta(minutes=1), 1200)
    with db.reading() as s:
        dec = settlement.shop_reimbursement(s, "M0002", DEC)
        assert (dec.redeemed_count, dec.voided_count, dec.amount_cents) == (2, 1, 1200)
        assert settlement.shop_reimbursement(s, "M0002", Period(date(2027, 1, 1), date(2027, 1, 31))).amount_cents == 0
        assert funders.funder_invoice(s, "F0001", DEC).topup_cents == 450
        # 31/12: 6 sold + 3 ordered - 4 redeemed; 01/01: the void gives one back.
        assert liability.liability(s, date(2026, 12, 31)).campaigns[0].counts.outstanding == 5
        assert liability.liability(s, date(2027, 1, 1)).campaigns[0].counts.outstanding == 6
