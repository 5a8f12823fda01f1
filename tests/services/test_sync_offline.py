"""The sync service when the server is not there (an https URL to a closed port): the pass fails at once with
the network's code, nothing is lost or reordered, and what the till holds is still there for the next pass."""

from __future__ import annotations

import pytest

from pos_app.api.errors import Unavailable
from pos_app.store.settings import SettingKey

from .conftest import FACE, PRICE, Clock, Shop


@pytest.fixture
def seller(tmp_path, clock: Clock):  # type: ignore[no-untyped-def]
    s = Shop(tmp_path / "tabac", clock, roles=("seller",))
    yield s
    s.till.close()


def test_the_api_client_gives_up_at_once(shop: Shop) -> None:
    with pytest.raises(Unavailable) as exc:
        shop.till.api.me()
    assert exc.value.code == "connection"


def test_a_failed_pass_keeps_the_outbox_in_order(shop: Shop) -> None:
    codes = shop.vouchers(3)
    for code in codes:
        shop.redeem(code)
    void = shop.till.redemptions.void_last()  # not uploaded yet: cancelled here, its void queued after it
    assert void.ok and void.code == "voided_queued"
    before = [(r.idempotency_key, r.kind, r.state, r.ledger_seq) for r in shop.till.outbox.all()]
    head = shop.till.ledger.head()
    report = shop.till.sync.sync_once()
    error, = report.errors
    assert not report.ok and report.unavailable and (error.stage, error.code) == ("unavailable", "connection")
    assert (report.pushed, report.pulled, report.head_acked) == (0, 0, None)
    assert [(r.idempotency_key, r.kind, r.state, r.ledger_seq) for r in shop.till.outbox.all()] == before
    assert [r.kind for r in shop.till.outbox.pending()] == ["redeem", "redeem", "redeem", "void"]
    assert shop.till.outbox.pending()[0].attempts == 1  # the first row was tried; the pass stopped there
    assert shop.till.ledger.head() == head
    assert shop.till.settings.get(SettingKey.LAST_SYNC_UTC) is None
    status = shop.till.sync.status()
    assert (status.mode, status.outbox_count, status.cached_vouchers) == ("offline", 4, 3)
    assert shop.books().today_totals() == (2, 2 * FACE)  # the voided one is not kept


def test_an_offline_sale_waits_in_the_outbox(seller: Shop) -> None:
    card, = seller.vouchers(1, state="issued")
    sold = seller.till.sales.sell(card)
    assert sold.ok and sold.reason == "sold_offline"
    assert not seller.till.sync.sync_once().ok
    row, = seller.till.outbox.pending()
    assert row.kind == "activate" and row.ledger_seq == sold.ledger_seq
    t = seller.books().day_report("2026-11-23").totals
    assert (t["sales_collected_cents"], t["sales_topup_cents"], t["sales_face_value_cents"]) == (
        PRICE, FACE - PRICE, FACE)
    assert t["owed_to_operator_cents"] == 0  # owed once the server confirms the sale
