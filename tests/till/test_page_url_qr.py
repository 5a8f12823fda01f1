"""The QR of a voucher printed since public pages holds its page's URL: the real till redeems it online and offline
(it takes the code out of the URL), and vouchers printed before (bare signed code, digits) still redeem."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from voucher_core.codes import page_url
from voucher_core.verdicts import Mode, Verdict

from .conftest import Vouchers, point_at


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_new_page_url_qr_and_old_codes_redeem_online(till_factory: Any, vouchers: Vouchers) -> None:
    t = till_factory("merchant", 0)
    new = vouchers.take()
    url = page_url("https://bons.example.fr", new["code"])
    assert url.startswith("HTTPS://BONS.EXAMPLE.FR/V/VC1:")
    assert t.redemptions.check(url).verdict is Verdict.ACCEPTED
    out = t.redemptions.redeem(url)
    assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.ONLINE
    assert out.verdict.serial == new["serial"] and out.verdict.amount_cents == 1200
    assert t.redemptions.redeem(url).verdict.verdict is Verdict.ALREADY_REDEEMED  # the server checked the claim
    old_qr, old_digits = vouchers.take(), vouchers.take()
    assert t.redemptions.redeem(old_qr["code"]).verdict.verdict is Verdict.ACCEPTED
    assert t.redemptions.redeem(old_digits["serial"]).verdict.verdict is Verdict.ACCEPTED
    # A URL of a page that is not a voucher's gives no code at all.
    assert t.redemptions.check(url.replace("/V/", "/W/")).verdict is Verdict.MALFORMED
    assert t.ledger.verify().ok


def test_page_url_qr_redeems_offline_from_the_cache(till_factory: Any, vouchers: Vouchers, tmp_path: Path) -> None:
    t = till_factory("merchant", 1)
    v = vouchers.take()
    point_at(t, f"http://127.0.0.1:{closed_port()}")  # nothing listens there: the till is offline
    out = t.redemptions.redeem(page_url("https://bons.example.fr/cheques", v["code"]))
    assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.OFFLINE
    assert out.verdict.serial == v["serial"]
    assert t.outbox.count_pending() == 1
