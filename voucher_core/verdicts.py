"""Verdicts the cashier sees, as stable codes and the facts behind them. The words are the UI's
(``pos_app/ui/words.py``): the core and the services never speak to a person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .campaigns import Campaign, Validity, VoucherState


class Verdict(StrEnum):
    """Stable verdict codes, shared by the till, the central API and reports."""

    ACCEPTED = "accepted"
    ALREADY_REDEEMED = "already_redeemed"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NOT_ACTIVATED = "not_activated"
    UNKNOWN = "unknown"
    FORGED = "forged"
    NOT_ACCEPTED_HERE = "not_accepted_here"
    BLOCKED = "blocked"
    MALFORMED = "malformed"  # unreadable or mistyped code: rescan or retype, no lookup was made
    OFFLINE_REFUSED = "offline_refused"  # no network and the offline policy does not allow accepting it


class Mode(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class VerdictDetail:
    """A verdict with what the cashier needs to act on it."""

    verdict: Verdict
    mode: Mode
    serial: str | None = None
    campaign_id: str | None = None
    campaign_name: str | None = None
    amount_cents: int | None = None
    redeemed_at: datetime | None = None
    redeemed_by: str | None = None  # shop name only
    # a stable code saying why (an offline-policy code, a CodeError reason, an API error code), or None
    reason: str | None = None
    reason_data: Mapping[str, object] = field(default_factory=dict)  # facts for the reason's words
    valid_from: date | None = None  # the campaign's window, for "not valid yet" and "expired since"
    valid_until: date | None = None
    # The top-up's last day once it has ended: ``amount_cents`` is then the buyer's price, not the face value.
    topup_ended_on: date | None = None

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


def judge(state: VoucherState | None, campaign: Campaign | None, merchant_id: str, moment: datetime) -> Verdict:
    """Decide whether a voucher may be redeemed by ``merchant_id`` at ``moment``.

    One rule for the central API and the offline till, in this order: unknown, blocked, not activated,
    already redeemed, shop not in the campaign, validity window.
    """
    if state is None or campaign is None:
        return Verdict.UNKNOWN
    if state is VoucherState.BLOCKED:
        return Verdict.BLOCKED
    if state is VoucherState.ISSUED:
        return Verdict.NOT_ACTIVATED
    if state is VoucherState.REDEEMED:
        return Verdict.ALREADY_REDEEMED
    if not campaign.accepts_merchant(merchant_id):
        return Verdict.NOT_ACCEPTED_HERE
    validity = campaign.validity(moment)
    if validity is Validity.EXPIRED:
        return Verdict.EXPIRED
    if validity is Validity.NOT_YET_VALID:
        return Verdict.NOT_YET_VALID
    return Verdict.ACCEPTED
