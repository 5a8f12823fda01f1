"""The offline claim bounds (voucher_core.claims), with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from voucher_core.campaigns import Campaign
from voucher_core.claims import (
    CLAIM_GRACE,
    CLOCK_SKEW,
    Claim,
    ClaimPolicy,
    ClaimRefusal,
    earliest_claim,
    judge_claim,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
POLICY = ClaimPolicy(offline_allowed=True, max_offline_total_cents_per_day=6000, max_cache_age_seconds=86400)
CAMPAIGN = Campaign(id="BOOST24", name="Booster", face_value_cents=1200, sale_price_cents=1000,
                    valid_from=date(2026, 11, 14), valid_until=date(2027, 2, 28), merchant_ids=frozenset({"M0001"}))


def judge(client: datetime, last_online: datetime | None = NOW, **kw: object) -> ClaimRefusal | None:
    return judge_claim(Claim(client_time=client, amount_cents=1200, **kw), POLICY, NOW, last_online)  # type: ignore[arg-type]


def test_each_bound_at_its_edge() -> None:
    assert judge(NOW - timedelta(hours=3)) is None
    assert judge(NOW + CLOCK_SKEW) is None
    assert judge(NOW + CLOCK_SKEW + timedelta(seconds=1)) is ClaimRefusal.CLAIM_IN_FUTURE
    oldest = NOW - timedelta(days=1) - CLAIM_GRACE
    assert earliest_claim(POLICY, NOW, NOW) == oldest
    assert judge(oldest) is None
    assert judge(oldest - timedelta(seconds=1)) is ClaimRefusal.CLAIM_TOO_OLD
    assert judge(NOW - timedelta(days=9)) is ClaimRefusal.CLAIM_TOO_OLD


def test_the_window_counts_from_the_last_online_contact() -> None:
    went_offline = NOW - timedelta(days=3)  # a till silent since then, uploading now
    assert judge(NOW - timedelta(days=3, hours=20), last_online=went_offline) is None
    assert judge(NOW - timedelta(days=4, hours=2), last_online=went_offline) is ClaimRefusal.CLAIM_TOO_OLD
    assert judge(NOW - timedelta(hours=30), last_online=None) is ClaimRefusal.CLAIM_TOO_OLD
    assert judge(NOW - timedelta(hours=20), last_online=NOW + timedelta(hours=2)) is None  # never after now


def test_sale_campaign_policy_and_daily_cap() -> None:
    t = NOW - timedelta(hours=2)
    assert judge(t, sold_at=NOW - timedelta(hours=1)) is ClaimRefusal.CLAIM_BEFORE_SALE
    assert judge(t, sold_at=NOW - timedelta(hours=3)) is None
    ended = Campaign(**{
        "id": "OLD", "name": "Old", "face_value_cents": 1000, "sale_price_cents": 1000,
        "valid_from": date(2026, 1, 1), "valid_until": date(2026, 11, 29), "merchant_ids": frozenset()})
    assert judge(t, campaign=ended) is ClaimRefusal.EXPIRED
    assert judge(t, campaign=CAMPAIGN) is None
    assert judge(t, day_total_cents=4800) is None
    assert judge(t, day_total_cents=4801) is ClaimRefusal.OFFLINE_LIMIT_REACHED
    closed = ClaimPolicy(offline_allowed=False, max_offline_total_cents_per_day=6000, max_cache_age_seconds=86400)
    assert judge_claim(Claim(client_time=t, amount_cents=1200), closed, NOW, NOW) is ClaimRefusal.OFFLINE_NOT_ALLOWED


def test_reports_say_claim_refusals_in_words() -> None:
    from pos_app.reports.explain import conflict_words

    assert conflict_words("claim_too_old") == "Refusé : opération hors ligne trop ancienne : non remboursable"
    assert conflict_words("offline_limit_reached", lang="en") == "Refused: daily offline limit exceeded: not reimbursed"


def test_an_outage_that_ended_recently_anchors_the_window_at_its_start() -> None:
    from voucher_core.claims import Outage

    outage = Outage(since=NOW - timedelta(days=3), until=NOW - timedelta(minutes=2))
    took = NOW - timedelta(days=2)  # accepted offline during the outage, uploaded after a check at NOW
    claim = Claim(client_time=took, amount_cents=1200)
    assert judge_claim(claim, POLICY, NOW, NOW) is ClaimRefusal.CLAIM_TOO_OLD  # from the last contact alone
    assert judge_claim(claim, POLICY, NOW, NOW, outage) is None
    assert earliest_claim(POLICY, NOW, NOW, outage) == outage.since - POLICY.window
    ended_long_ago = Outage(since=outage.since, until=NOW - POLICY.window - timedelta(seconds=1))
    assert judge_claim(claim, POLICY, NOW, NOW, ended_long_ago) is ClaimRefusal.CLAIM_TOO_OLD
