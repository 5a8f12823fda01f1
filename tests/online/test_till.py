"""A voucher bought online is redeemed by the real till code (pos_app's Till): offline from its cache while the
network is down (a closed port), then its sync books it on the server once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.till import Till
from tests.till.conftest import point_at
from voucher_core.verdicts import Mode, Verdict
from voucher_server.models import Voucher
from voucher_server.process import free_port
from voucher_server.services import online_sales as sales

from .conftest import Inbox, Shop
from .test_purchase import pay


def test_bought_online_redeems_offline_at_the_till(shop: Shop, inbox: tuple[Inbox, int], tmp_path: Path) -> None:
    till = Till.open(tmp_path / "till", token_provider=MemoryTokenProvider())
    try:
        till.configure(shop.url, shop.token("merchant"))
        token = pay(shop, "kim@example.fr", 2)
        inbox[0].wait(1)
        with shop.db.reading() as s:
            view = sales.order_view(s, token)
        assert view is not None and len(view.vouchers) == 2
        assert till.sync.sync_once().ok  # the cache now knows the two vouchers are sold
        point_at(till, f"http://127.0.0.1:{free_port()}")  # nothing listens there: the network is down
        out = till.redemptions.redeem(view.vouchers[0].code)
        assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.OFFLINE
        assert till.outbox.count_pending() == 1
        point_at(till, shop.url)
        report = till.sync.sync_once()
        assert report.ok and report.pushed == 1 and report.conflicts == 0
        with shop.db.reading() as s:
            states = {v.serial: v.state for v in s.scalars(select(Voucher).where(
                Voucher.serial.in_([b.serial for b in view.vouchers])))}
        assert states == {view.vouchers[0].serial: "redeemed", view.vouchers[1].serial: "active"}
        online = till.redemptions.redeem(view.vouchers[1].code)
        assert online.verdict.verdict is Verdict.ACCEPTED and online.verdict.mode is Mode.ONLINE
    finally:
        till.close()
