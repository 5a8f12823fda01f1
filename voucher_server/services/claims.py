"""Offline claims judged by the server; the rule is voucher_core.claims."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from voucher_core.campaigns import Campaign
from voucher_core.claims import Claim, ClaimPolicy, Outage, judge_claim

from ..db import Database, aware
from ..errors import ApiError
from ..models import Activity, Terminal, Voucher
from .context import Caller


def offline_day_total(s: Session, who: Caller, day: date) -> int:
    """What this terminal already took offline on that business day (redemptions at their amount, sales at their
    price; a later void does not give the allowance back)."""
    amount = case((Activity.kind == "activate", Activity.sale_price_cents), else_=Activity.amount_cents)
    total = s.scalar(select(func.coalesce(func.sum(amount), 0)).where(and_(
        Activity.merchant_id == who.merchant_id, Activity.business_day == day,
        Activity.terminal_id == who.terminal_id, Activity.offline.is_(True),
        Activity.kind.in_(["redeem", "activate"]))))
    return int(total or 0)


def judge_offline(s: Session, who: Caller, client: datetime, now: datetime, day: date, amount_cents: int,
                  sold_at: datetime | None, campaign: Campaign | None) -> None:
    """Raise 409 with the claim's refusal code when an offline claim breaks a bound. The policy is read from the
    terminal's row, not the cached Caller: an operator's change applies to the very next upload."""
    t = s.get(Terminal, who.terminal_id)
    if t is None:
        raise ApiError(401, "unauthorized")
    policy = ClaimPolicy(t.offline_allowed, t.max_offline_total_cents_per_day, t.max_cache_age_seconds)
    claim = Claim(client_time=client, amount_cents=amount_cents,
                  day_total_cents=offline_day_total(s, who, day), sold_at=sold_at, campaign=campaign)
    since, until = aware(t.outage_since), aware(t.outage_until)
    outage = Outage(since, until) if since is not None and until is not None else None
    refusal = judge_claim(claim, policy, now, aware(t.last_online_at), outage)
    if refusal is not None:
        raise ApiError(409, refusal.value)


def judge_offline_redemption(db: Database, who: Caller, serial: str, client: datetime, now: datetime, day: date,
                             amount_cents: int, campaign: Campaign) -> None:
    """judge_offline for a redemption, in its own read (a worker thread): the voucher's sale time is read here."""
    with db.reading() as s:
        sold_at = aware(s.scalar(select(Voucher.sold_at).where(Voucher.serial == serial)))
        judge_offline(s, who, client, now, day, amount_cents, sold_at, campaign)
