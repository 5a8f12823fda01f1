"""The bounds of an offline claim: when a till says "this happened while I was offline", what the server (and the
till itself) can believe. Pure rules, no I/O: the central API judges every upload with them.

A claim is an offline redemption, sale or void with the till's ``client_time``. It is refused when:

1. the terminal may not work offline at all (``offline_allowed`` false): ``offline_not_allowed``;
2. ``client_time`` is later than the server's clock plus CLOCK_SKEW: ``claim_in_future``;
3. ``client_time`` is earlier than the terminal's last online contact before the upload minus the offline window
   (``max_cache_age_seconds`` + CLAIM_GRACE), or than the start of an outage that ended within that window:
   ``claim_too_old`` — a till cannot work offline longer than its
   cache may age, so a claim older than that was not made offline since it last spoke to the server;
4. ``client_time`` is before the voucher was sold: ``claim_before_sale``;
5. ``client_time`` is outside the campaign's validity: ``expired`` / ``not_yet_valid``;
6. the terminal's offline claims of that Paris business day would go over ``max_offline_total_cents_per_day``:
   ``offline_limit_reached``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .campaigns import Campaign, Validity

CLOCK_SKEW = timedelta(minutes=5)
CLAIM_GRACE = timedelta(hours=1)


class ClaimRefusal(StrEnum):
    """Stable refusal codes of an offline claim (409 from the central API; a conflict at the till)."""

    OFFLINE_NOT_ALLOWED = "offline_not_allowed"
    CLAIM_IN_FUTURE = "claim_in_future"
    CLAIM_TOO_OLD = "claim_too_old"
    CLAIM_BEFORE_SALE = "claim_before_sale"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    OFFLINE_LIMIT_REACHED = "offline_limit_reached"


@dataclass(frozen=True, slots=True)
class ClaimPolicy:
    """The operator's offline policy of one terminal, as the server holds it."""

    offline_allowed: bool
    max_offline_total_cents_per_day: int
    max_cache_age_seconds: int

    @property
    def window(self) -> timedelta:
        """How long before the last online contact an offline claim may be dated."""
        return timedelta(seconds=self.max_cache_age_seconds) + CLAIM_GRACE


@dataclass(frozen=True, slots=True)
class Claim:
    """One offline claim. ``sold_at``: when the voucher was sold (redemptions); ``campaign``: its campaign
    (validity checked at ``client_time``); ``day_total_cents``: the terminal's offline claims already accepted on
    the Paris business day of ``client_time``."""

    client_time: datetime
    amount_cents: int
    day_total_cents: int = 0
    sold_at: datetime | None = None
    campaign: Campaign | None = None


@dataclass(frozen=True, slots=True)
class Outage:
    """The terminal's latest silence of more than OUTAGE_GAP: its last contact before it (``since``) and its first
    contact after it (``until``)."""

    since: datetime
    until: datetime


OUTAGE_GAP = timedelta(minutes=5)  # the tills sync every 30 s while online: a longer silence is an outage


def earliest_claim(policy: ClaimPolicy, now: datetime, last_online: datetime | None,
                   outage: Outage | None = None) -> datetime:
    """The earliest ``client_time`` believed; ``last_online`` is the terminal's last online contact before the
    upload (None when it never had one: the server's clock then).

    A till back from an outage may make online calls (a cashier's check) before its sync uploads what it took
    while offline: those claims are judged from the outage's start, while the outage ended within the window."""
    anchor = now if last_online is None else min(last_online, now)
    if outage is not None and now - outage.until <= policy.window:
        anchor = min(anchor, outage.since)
    return anchor - policy.window


def judge_claim(claim: Claim, policy: ClaimPolicy, now: datetime, last_online: datetime | None,
                outage: Outage | None = None) -> ClaimRefusal | None:
    """The first bound the claim breaks, in the order of the module's docstring, or None when it is believable."""
    if not policy.offline_allowed:
        return ClaimRefusal.OFFLINE_NOT_ALLOWED
    if claim.client_time > now + CLOCK_SKEW:
        return ClaimRefusal.CLAIM_IN_FUTURE
    if claim.client_time < earliest_claim(policy, now, last_online, outage):
        return ClaimRefusal.CLAIM_TOO_OLD
    if claim.sold_at is not None and claim.client_time < claim.sold_at:
        return ClaimRefusal.CLAIM_BEFORE_SALE
    if claim.campaign is not None:
        validity = claim.campaign.validity(claim.client_time)
        if validity is Validity.EXPIRED:
            return ClaimRefusal.EXPIRED
        if validity is Validity.NOT_YET_VALID:
            return ClaimRefusal.NOT_YET_VALID
    if claim.day_total_cents + claim.amount_cents > policy.max_offline_total_cents_per_day:
        return ClaimRefusal.OFFLINE_LIMIT_REACHED
    return None
