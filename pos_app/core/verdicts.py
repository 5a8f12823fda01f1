"""Verdicts the cashier sees, as stable codes with words a cashier understands (French first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .campaigns import Campaign, Validity, VoucherState
from .money import format_cents
from .timeutil import paris_text


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


_MESSAGES: dict[Verdict, tuple[str, str]] = {
    Verdict.ACCEPTED: ("Bon valable", "Voucher accepted"),
    Verdict.ALREADY_REDEEMED: ("Déjà utilisé", "Already redeemed"),
    Verdict.EXPIRED: ("Bon expiré", "Voucher expired"),
    Verdict.NOT_YET_VALID: ("Pas encore valable", "Not valid yet"),
    Verdict.NOT_ACTIVATED: ("Bon non vendu : pas encore activé", "Not activated: this voucher was never sold"),
    Verdict.UNKNOWN: ("Bon inconnu", "Unknown voucher"),
    Verdict.FORGED: ("Faux bon : signature invalide", "Forged voucher: bad signature"),
    Verdict.NOT_ACCEPTED_HERE: ("Non accepté dans ce commerce", "Not accepted in this shop"),
    Verdict.BLOCKED: ("Bon bloqué par l'opérateur", "Voucher blocked by the operator"),
    Verdict.MALFORMED: ("Code illisible : rescannez ou ressaisissez", "Unreadable code: scan or type it again"),
    Verdict.OFFLINE_REFUSED: ("Hors ligne : acceptation impossible", "Offline: cannot accept now"),
}


def verdict_message(verdict: Verdict, lang: str = "fr") -> str:
    """The short headline for a verdict in ``lang`` ("fr" or "en")."""
    fr, en = _MESSAGES[verdict]
    return en if lang == "en" else fr


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
    reason: str | None = None  # extra words, e.g. which offline limit was reached
    # The top-up's last day once it has ended: ``amount_cents`` is then the buyer's price, not the face value.
    topup_ended_on: date | None = None

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED

    def message(self, lang: str = "fr") -> str:
        """A full sentence for the cashier: headline, then when/where or amount, then the mode."""
        parts = [verdict_message(self.verdict, lang)]
        if self.verdict is Verdict.ALREADY_REDEEMED and self.redeemed_at is not None:
            where = f" — {self.redeemed_by}" if self.redeemed_by else ""
            parts.append(("le " if lang != "en" else "on ") + paris_text(self.redeemed_at) + where)
        elif self.verdict is Verdict.ACCEPTED and self.amount_cents is not None:
            parts.append(format_cents(self.amount_cents, lang))
        if self.reason:
            parts.append(self.reason)
        if lang == "en":
            parts.append("(checked online)" if self.mode is Mode.ONLINE else "(checked offline)")
        else:
            parts.append("(vérifié en ligne)" if self.mode is Mode.ONLINE else "(vérifié hors ligne)")
        return " · ".join(parts[:-1]) + " " + parts[-1]


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
