"""Campaigns and the voucher lifecycle of the design (issued -> active -> redeemed, void, block)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .timeutil import business_day


class VoucherState(StrEnum):
    """Central states of a voucher. Expiry is not a state: it is derived from the campaign's window."""

    ISSUED = "issued"
    ACTIVE = "active"
    REDEEMED = "redeemed"
    BLOCKED = "blocked"


class Activity(StrEnum):
    """What can happen to a voucher; each is one row of the server's activity log."""

    ISSUE = "issue"
    ACTIVATE = "activate"
    SALE_VOID = "sale_void"
    REDEEM = "redeem"
    VOID = "void"
    BLOCK = "block"
    UNBLOCK = "unblock"


class TransitionError(ValueError):
    """An activity that the voucher's current state does not allow."""


# (state, activity) -> next state. Anything absent is refused.
_TRANSITIONS: dict[tuple[VoucherState | None, Activity], VoucherState] = {
    (None, Activity.ISSUE): VoucherState.ISSUED,
    (VoucherState.ISSUED, Activity.ACTIVATE): VoucherState.ACTIVE,
    (VoucherState.ACTIVE, Activity.SALE_VOID): VoucherState.ISSUED,
    (VoucherState.ACTIVE, Activity.REDEEM): VoucherState.REDEEMED,
    (VoucherState.REDEEMED, Activity.VOID): VoucherState.ACTIVE,
    (VoucherState.ISSUED, Activity.BLOCK): VoucherState.BLOCKED,
    (VoucherState.ACTIVE, Activity.BLOCK): VoucherState.BLOCKED,
}


def next_state(state: VoucherState | None, activity: Activity, state_before_block: VoucherState | None = None
               ) -> VoucherState:
    """The state after ``activity``; raises :class:`TransitionError` when the lifecycle forbids it.

    Unblocking returns the voucher to the state it had before it was blocked.
    """
    if activity is Activity.UNBLOCK:
        # Only issued or active vouchers can be blocked, so only those states can come back.
        if state is not VoucherState.BLOCKED or state_before_block not in (VoucherState.ISSUED, VoucherState.ACTIVE):
            raise TransitionError(f"cannot unblock a voucher in state {state}")
        return state_before_block
    try:
        return _TRANSITIONS[(state, activity)]
    except KeyError:
        raise TransitionError(f"{activity} not allowed from state {state}") from None


class Validity(StrEnum):
    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Campaign:
    """A voucher scheme's campaign: what a voucher is worth, what it sells for, when and where it is spent.

    The money rule (the one place it is computed; server, till and reports call it). Each sold voucher records
    what its buyer paid (``paid_cents``: the sale price at a tobacconist, the order's price per voucher in a bulk
    order; None for vouchers sold before it was recorded: the sale price). Its value of the day is the face value
    until ``topup_until`` (inclusive, Paris business day), after it ``min(face, paid)``; without ``topup_until``
    always the face value. The funder's top-up for a redeemed voucher is ``max(0, min(topup_cents, value -
    paid))``: a discount beyond the campaign's top-up is the operator's cost, not the funder's. The liability's
    split into buyers' money and top-up follows the same rule.
    """

    id: str
    name: str
    face_value_cents: int
    sale_price_cents: int
    valid_from: date
    valid_until: date  # the last day counts, Europe/Paris
    merchant_ids: frozenset[str] = field(default_factory=frozenset)
    public_keys: dict[str, bytes] = field(default_factory=dict)  # key id -> raw Ed25519 public key
    # Last day (Paris) the funder's top-up counts; None: it lasts as long as the voucher (old campaigns).
    topup_until: date | None = None

    def __post_init__(self) -> None:
        if self.face_value_cents <= 0 or self.sale_price_cents < 0:
            raise ValueError("face value must be positive and sale price not negative")
        if self.sale_price_cents > self.face_value_cents:
            raise ValueError("sale price above face value")
        if self.valid_until < self.valid_from:
            raise ValueError("campaign ends before it starts")
        if self.topup_until is not None and not self.valid_from <= self.topup_until <= self.valid_until:
            raise ValueError("top-up end outside the campaign's validity")

    @property
    def topup_cents(self) -> int:
        """What the funder pays per voucher: face value minus sale price."""
        return self.face_value_cents - self.sale_price_cents

    def topup_ended(self, day: date) -> bool:
        """True when ``day`` (Paris) is after the top-up's last day: the voucher is worth only what was paid."""
        return self.topup_until is not None and day > self.topup_until

    def value_on(self, day: date, paid_cents: int | None = None) -> int:
        """What a voucher is worth on ``day`` (Paris): its face value until ``topup_until`` (inclusive), after it
        what its buyer paid, capped at the face value. ``paid_cents`` is what that voucher's buyer paid (a bulk
        order may sell at another price than the campaign's); None (vouchers sold before it was recorded): the
        campaign's sale price."""
        if not self.topup_ended(day):
            return self.face_value_cents
        return min(self.face_value_cents, self.sale_price_cents if paid_cents is None else paid_cents)

    def topup_ended_on(self, day: date) -> date | None:
        """The top-up's last day if it has ended by ``day`` (what the till tells the cashier), else None."""
        return self.topup_until if self.topup_ended(day) else None

    def topup_of(self, value_cents: int, paid_cents: int | None = None) -> int:
        """The funder's share of a voucher worth ``value_cents`` whose buyer paid ``paid_cents`` (None: the sale
        price): what the buyer did not pay, at most the campaign's top-up. A discount beyond the campaign's
        top-up (a bulk order below the sale price) is the operator's cost, never the funder's."""
        paid = self.sale_price_cents if paid_cents is None else paid_cents
        return max(0, min(self.topup_cents, value_cents - paid))

    def topup_on(self, day: date, paid_cents: int | None = None) -> int:
        """The funder's share of a voucher spent on ``day``: see :meth:`value_on` and :meth:`topup_of`."""
        return self.topup_of(self.value_on(day, paid_cents), paid_cents)

    def validity(self, moment: datetime) -> Validity:
        """Whether a voucher of this campaign may be spent at ``moment`` (aware), judged on the Paris day."""
        day = business_day(moment)
        if day < self.valid_from:
            return Validity.NOT_YET_VALID
        if day > self.valid_until:
            return Validity.EXPIRED
        return Validity.VALID

    def accepts_merchant(self, merchant_id: str) -> bool:
        """True when ``merchant_id`` participates in this campaign."""
        return merchant_id in self.merchant_ids
