"""Online redemption, check, void, sale against the real server; the token never lands in the till's files."""

from __future__ import annotations

from pathlib import Path

import pytest

from voucher_core.codes import parse_code
from voucher_core.verdicts import Mode, Verdict
from voucher_server.testing import SeedVouchers


def kinds(till) -> list[str]:
    return [e.kind for e in till.ledger.entries()]


def test_online_redeem_then_second_till_of_another_shop_is_told_already_redeemed(till_factory, vouchers):
    a = till_factory("merchant", 0)
    b = till_factory("merchant", 2)  # Librairie du Centre: another shop of the campaign
    v = vouchers.take()
    out = a.redemptions.redeem(v["code"])
    assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.ONLINE
    assert out.verdict.amount_cents == 1200
    assert kinds(a)[-2:] == ["redemption", "redemption_confirmed"]
    assert a.outbox.by_key(out.idempotency_key).state == "done"
    # the same till, offline or online, now knows it is taken
    assert a.cache.voucher(v["serial"]).state.value == "redeemed"
    second = b.redemptions.redeem(v["serial"])
    assert second.verdict.verdict is Verdict.ALREADY_REDEEMED
    assert second.verdict.redeemed_by == "Boulangerie Martin"
    assert kinds(b)[-2:] == ["redemption", "redemption_rejected"]
    assert b.redemptions.check(v["code"]).verdict is Verdict.ALREADY_REDEEMED
    assert a.ledger.verify().ok and b.ledger.verify().ok


def test_check_verdicts_online(till_factory, vouchers, server):
    t = till_factory("merchant", 1)
    assert t.redemptions.check("12345").verdict is Verdict.MALFORMED
    assert t.redemptions.check(vouchers.take()["code"]).verdict is Verdict.ACCEPTED
    assert t.redemptions.check(vouchers.take("issued")["code"]).verdict is Verdict.NOT_ACTIVATED
    code = vouchers.take()["code"]
    forged = code[:-4] + ("AAAA" if not code.endswith("AAAA") else "BBBB")
    assert t.redemptions.check(forged).verdict in (Verdict.FORGED, Verdict.MALFORMED)
    outside = till_factory("merchant", 0, in_campaign=False)  # Garage Dupuis: not in BOOST24
    assert outside.redemptions.check(vouchers.take()["code"]).verdict in (Verdict.NOT_ACCEPTED_HERE,
                                                                        Verdict.UNKNOWN)


def test_void_last_online_keeps_both_entries(till_factory, vouchers):
    t = till_factory("merchant", 0)
    v = vouchers.take()
    assert t.redemptions.redeem(v["code"]).verdict.accepted
    out = t.redemptions.void_last()
    assert out.ok and out.serial == v["serial"] and out.amount_cents == 1200
    assert kinds(t)[-3:] == ["redemption", "redemption_confirmed", "void"]
    assert not t.redemptions.void_last().ok  # nothing live left on this till
    # voided centrally: it can be redeemed again
    assert t.redemptions.redeem(v["code"]).verdict.accepted


def test_sale_check_records_nothing(till_factory, vouchers, server):
    """The tobacconist's scan: price and sellability before the cash, without a ledger entry or a server call
    that changes anything."""
    seller = till_factory("seller", 0)
    v = vouchers.take("issued")
    before = kinds(seller)
    checked = seller.sales.check(v["code"])
    assert checked.ok and checked.mode == "online" and (checked.price_cents, checked.face_value_cents) == (1000, 1200)
    assert kinds(seller) == before and seller.sales.check(v["serial"]).ok
    assert seller.sales.check(vouchers.take("active")["serial"]).verdict == "already_sold"
    parts = v["code"].split(":")
    parts[4] = ("A" if parts[4][0] != "A" else "B") + parts[4][1:]
    assert seller.sales.check(":".join(parts)).verdict == "forged"
    ended = SeedVouchers(server.seed, "PRINTEMPS").take()  # read only: checking changes nothing
    assert seller.sales.check(ended["serial"]).verdict == "expired"
    assert seller.sales.check("12").verdict == "malformed"
    assert kinds(seller) == before


def test_sale_online_and_void(till_factory, vouchers):
    seller = till_factory("seller", 0)
    v = vouchers.take("issued")
    out = seller.sales.sell(v["code"])
    assert out.ok and out.mode == "online" and out.price_cents == 1000 and out.topup_cents == 200
    assert seller.cache.voucher(v["serial"]).sold_here
    again = seller.sales.sell(v["code"])
    assert not again.ok and again.verdict == "already_sold"
    voided = seller.sales.void_last()
    assert voided.ok and voided.mode == "online"
    assert "sale_void" in kinds(seller)
    merchant = till_factory("merchant", 0)
    merchant_sale = merchant.sales.sell(vouchers.take("issued")["code"])
    assert not merchant_sale.ok


def test_token_never_in_home_files_nor_logs(till_factory, vouchers, server, tmp_path: Path, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    t = till_factory("merchant", 0, name="tokencheck")
    t.redemptions.redeem(vouchers.take()["code"])
    t.sync.sync_once()
    token = server.token("merchant", 0).encode()
    t.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    for f in (tmp_path / "tokencheck").rglob("*"):
        if f.is_file():
            assert token not in f.read_bytes(), f
    assert caplog.records and token.decode() not in caplog.text


def test_no_keyring_backend_is_a_clear_message(tmp_path: Path, monkeypatch):
    import keyring
    from keyring.backends import fail

    from pos_app.api.tokens import KeyringTokenProvider, TokenError, TokenProblem
    from pos_app.commands import speak

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the real "no backend" keyring: raises NoKeyringError
    try:
        with pytest.raises(TokenError) as refused:
            KeyringTokenProvider(tmp_path).set("secret-token-value")
        assert refused.value.code is TokenProblem.NO_KEYRING
        assert "trousseau" in speak("fr").say_error(refused.value)  # the words the CLI and the wizard show
        with pytest.raises(TokenError) as info:
            KeyringTokenProvider(tmp_path).get()
        assert "secret-token-value" not in str(info.value)
    finally:
        keyring.set_keyring(previous)
    assert not list(tmp_path.rglob("*"))  # no plaintext fallback file


def test_wrong_token_is_refused_at_configure(tmp_path: Path, server):
    from pos_app.api.tokens import MemoryTokenProvider
    from pos_app.services.till import ConfigError, Till

    t = Till.open(tmp_path / "bad", token_provider=MemoryTokenProvider())
    with pytest.raises(ConfigError) as info:
        t.configure(server.url, "not-a-real-token-123456")
    assert "not-a-real-token" not in str(info.value)
    t.close()


def test_parse_roundtrip_of_seed_codes(vouchers):
    v = vouchers.take()
    assert parse_code(v["code"]).serial == v["serial"]


def test_sync_reports_progress_and_status(till_factory, vouchers):
    t = till_factory("merchant", 1)
    t.settings.set("cursor", None)  # a full pull again
    t.redemptions.redeem(vouchers.take()["code"])
    seen = []
    report = t.sync.sync_once(seen.append)
    assert report.ok and report.pulled >= 400 and report.bytes > 0
    assert {p.phase for p in seen} >= {"pull", "done"} and seen[-1].bytes == report.bytes
    status = t.sync.status()
    assert status.mode == "online" and status.cache_age_s is not None and status.cache_age_s < 60
    assert status.outbox_count == 0 and status.merchant_name == "Boulangerie Martin"
    assert status.cached_vouchers >= 400 and status.offline_allowed


def test_a_cursor_the_server_no_longer_reads_starts_a_full_snapshot(till_factory):
    """A cursor of the layout before 20-digit serials is refused (422): the till pulls everything again."""
    t = till_factory("merchant", 0)
    cached = t.cache.count()
    t.settings.set("cursor", str(10**12 * 123 + 426995))
    report = t.sync.sync_once()
    assert report.ok, report.errors
    assert report.pulled >= cached > 0 and t.settings.get("cursor") != str(10**12 * 123 + 426995)
