"""The offline policy (services/policy.py) as the redemption service applies it when the server does not answer:
the operator's daily cap, the cache's age, the owner's tightenings; a refusal writes no acceptance."""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.store.settings import SettingKey
from voucher_core.codes import sign_code
from voucher_core.verdicts import Verdict

from .conftest import FACE, Clock, Shop, utc


def test_the_daily_cap_counts_what_was_taken_offline_today(shop: Shop, clock: Clock) -> None:
    codes = shop.vouchers(7)
    for code in codes[:5]:  # 5 x 12 € = the operator's cap of 60 €
        shop.redeem(code)
    head = shop.till.ledger.head()
    refused = shop.till.redemptions.redeem(codes[5]).verdict
    assert refused.verdict is Verdict.OFFLINE_REFUSED
    assert (refused.reason, refused.reason_data) == ("offline_daily_cap", {"cap_cents": 6000})
    assert shop.till.ledger.head() == head and shop.till.outbox.count_pending() == 5  # nothing written
    assert shop.till.today_offline_cents() == 5 * FACE
    clock.now = utc(2026, 11, 24, 8, 0)  # a new day: a new allowance
    shop.synced()
    assert shop.redeem(codes[5]).verdict.amount_cents == FACE
    shop.till.set_owner_policy(max_offline_total_cents_per_day=2000)  # the owner may only tighten it
    owner = shop.till.redemptions.redeem(codes[6]).verdict
    assert (owner.reason, owner.reason_data) == ("offline_daily_cap", {"cap_cents": 2000})


def test_a_cache_too_old_or_never_synced_takes_nothing(shop: Shop) -> None:
    codes = shop.vouchers(3)
    shop.synced(ago=timedelta(hours=25))
    first = shop.till.redemptions.redeem(codes[0])
    assert first.verdict.verdict is Verdict.OFFLINE_REFUSED
    assert (first.verdict.reason, first.verdict.reason_data) == ("cache_too_old", {"max_hours": 24.0})
    # the pending entry written before the call stays, rejected; its upload is cancelled (nothing was sent)
    line, = shop.books().day_lines("2026-11-23")
    assert (line.seq, line.status) == (first.ledger_seq, "rejected")
    row = shop.till.outbox.by_ledger_seq(first.ledger_seq)
    assert row is not None and row.state == "cancelled"
    shop.synced(ago=timedelta(hours=2))
    shop.till.set_owner_policy(max_cache_age_seconds=3600)
    tightened = shop.till.redemptions.redeem(codes[1]).verdict
    assert (tightened.reason, tightened.reason_data) == ("cache_too_old", {"max_hours": 1.0})
    shop.till.settings.set(SettingKey.CACHE_SYNCED_UTC, None)
    assert shop.till.redemptions.redeem(codes[2]).verdict.reason == "cache_never_synced"


def test_the_owner_may_forbid_offline_acceptance(shop: Shop) -> None:
    code, = shop.vouchers(1)
    shop.till.set_owner_policy(offline_allowed=False)
    assert shop.till.redemptions.redeem(code).verdict.reason == "offline_not_allowed"
    shop.till.set_owner_policy(offline_allowed=True)
    assert shop.redeem(code).verdict.amount_cents == FACE


def test_offline_verdicts_without_the_policy_question(shop: Shop) -> None:
    good, = shop.vouchers(1)
    redeemed, = shop.vouchers(1, state="redeemed")
    forged = sign_code("BOOST24", "K1", good.split(":")[3], Ed25519PrivateKey.generate())
    assert shop.till.redemptions.redeem(forged).verdict.verdict is Verdict.FORGED
    assert shop.till.redemptions.redeem(redeemed).verdict.verdict is Verdict.ALREADY_REDEEMED
    shop.redeem(good)
    again = shop.till.redemptions.redeem(good).verdict
    assert again.verdict is Verdict.ALREADY_REDEEMED and again.redeemed_by == "Boulangerie Martin"
    assert [x.status for x in shop.books().day_lines("2026-11-23")] == ["rejected", "pending_sync"]
