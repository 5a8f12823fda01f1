"""Selling (activating) voucher cards at a tobacconist's till, online first, queued offline like redemptions:
the same machine (``operation.py``, ``SALE`` describes this kind); which card may be sold, and at what price, here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from voucher_core.campaigns import Validity, VoucherState
from voucher_core.codes import CodeError, SignedCode, parse_code, verify_signed
from voucher_core.ledger import EntryKind
from voucher_core.timeutil import to_utc_text
from voucher_core.verdicts import Mode

from ..api.errors import ApiError, AuthError, Refusal, Unavailable
from ..store import Connection
from ..store.cache import CacheStore
from ..store.outbox import OutboxKind
from .context import TillContext, new_key
from .operation import Answer, OfflineJudgement, OperationKind, Operations, VoidResult
from .policy import offline_refusal


class SaleVerdict(StrEnum):
    """What checking, selling or voiding a card gave (stable codes; the UI has the words)."""

    SELLABLE = "sellable"  # check: collect the price, then sell
    ACCEPTED = "accepted"  # sold
    VOIDED = "voided"
    ALREADY_SOLD = "already_sold"
    BLOCKED = "blocked"
    FORGED = "forged"
    MALFORMED = "malformed"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    FORBIDDEN = "forbidden"
    UNAUTHORIZED = "unauthorized"
    OFFLINE_REFUSED = "offline_refused"
    NOTHING = "nothing"  # no sale to void
    VOID_WINDOW_PASSED = "void_window_passed"
    VOUCHER_SPENT = "voucher_spent"  # a void refused: the card was spent meanwhile
    REFUSED = "refused"  # any other refusal of the server: its code is the outcome's reason

    @classmethod
    def of(cls, code: str) -> SaleVerdict:
        """The verdict a server's error code gives: its own when it is one of ours, else REFUSED."""
        try:
            return cls(code)
        except ValueError:
            return cls.REFUSED


@dataclass(frozen=True, slots=True)
class SaleOutcome:
    ok: bool
    verdict: SaleVerdict
    mode: Mode
    reason: str | None = None  # a finer code: the CodeError reason, the offline-policy code, the server's code
    serial: str | None = None
    price_cents: int | None = None
    face_value_cents: int | None = None
    topup_cents: int | None = None
    ledger_seq: int | None = None
    idempotency_key: str | None = None
    campaign_name: str | None = None  # for the receipt
    valid_from: date | None = None
    valid_until: date | None = None


class SaleService:
    def __init__(self, till: TillContext) -> None:
        self.till = till
        self.ops = Operations(till, SALE)

    def _card(self, code_text: str) -> tuple[Any, Any, Any] | SaleOutcome:
        """(code, cached voucher, campaign) for a card this till may sell, or why not."""
        till = self.till
        mode = till.network.mode
        try:
            code = parse_code(code_text)
        except CodeError as exc:
            return SaleOutcome(False, SaleVerdict.MALFORMED, mode, exc.reason)
        roles = till.identity.roles
        if roles and "seller" not in roles:
            return SaleOutcome(False, SaleVerdict.FORBIDDEN, mode, "not_seller", code.serial)
        cv = till.cache.voucher(code.serial)
        campaign = till.cache.campaign(code.campaign_id if isinstance(code, SignedCode) else
                                       (cv.campaign_id if cv else None))
        if campaign is None:
            return SaleOutcome(False, SaleVerdict.UNKNOWN, mode, "not_in_cache", code.serial)
        return code, cv, campaign

    def check(self, code_text: str) -> SaleOutcome:
        """Whether this card can be sold now, and at what price, recording nothing.

        The tobacconist collects the price first and only then calls ``sell``, so a customer who walks away leaves
        nothing to void. Online the server's state of the card decides; offline, the till's cache.
        """
        till = self.till
        card = self._card(code_text)
        if isinstance(card, SaleOutcome):
            return card
        code, cv, campaign = card
        money = _money(campaign)
        if isinstance(code, SignedCode) and not verify_signed(code, campaign.public_keys):
            return SaleOutcome(False, SaleVerdict.FORGED, till.network.mode, None, code.serial, **money)
        if campaign.validity(till.clock()) is Validity.EXPIRED:
            return SaleOutcome(False, SaleVerdict.EXPIRED, till.network.mode, "campaign_ended", code.serial, **money)
        mode, state, sold_here = Mode.OFFLINE, cv.state if cv else None, bool(cv and cv.sold_here)
        try:
            state, mode, sold_here = VoucherState(till.api.voucher(code.text if isinstance(code, SignedCode)
                                                                   else code.serial)["state"]), Mode.ONLINE, False
            till.network.note(True)
        except Unavailable:
            till.network.note(False)
        except ApiError as exc:
            if isinstance(exc, AuthError):
                till.network.note_auth_failure(exc)
            return SaleOutcome(False, SaleVerdict.of(exc.code), Mode.ONLINE, exc.code, code.serial, **money)
        if state is VoucherState.ISSUED and not sold_here:
            return SaleOutcome(True, SaleVerdict.SELLABLE, mode, None, code.serial, **money)
        if state is VoucherState.BLOCKED:
            return SaleOutcome(False, SaleVerdict.BLOCKED, mode, None, code.serial, **money)
        if state is None:
            return SaleOutcome(False, SaleVerdict.UNKNOWN, mode, None, code.serial, **money)
        return SaleOutcome(False, SaleVerdict.ALREADY_SOLD, mode, None, code.serial, **money)

    def sell(self, code_text: str) -> SaleOutcome:
        """Activate a voucher card at its campaign's sale price (once the price is collected). Never raises for
        bad input."""
        till = self.till
        card = self._card(code_text)
        if isinstance(card, SaleOutcome):
            return card
        code, cv, campaign = card
        wire = code.text if isinstance(code, SignedCode) else code.serial
        key = new_key()
        body = {"idempotency_key": key, "sale_price_cents": campaign.sale_price_cents,
                "client_time": to_utc_text(till.clock()), "offline": False}
        money = _money(campaign)
        api = self.ops.ready_api()
        with till.db.transaction() as conn:
            entry = self.ops.write_pending(conn, code.serial, wire, body, Mode.ONLINE, campaign_id=campaign.id,
                                           amount_cents=campaign.face_value_cents,
                                           price_cents=campaign.sale_price_cents, topup_cents=campaign.topup_cents)
        answer = self.ops.send(api, wire, body)
        if isinstance(answer, Unavailable):
            return self._fallback(code, campaign, cv, entry.seq, key, wire, body, money, answer)
        if isinstance(answer, ApiError):
            self.ops.reject(entry.seq, {"error": answer.code}, voucher=code.serial, data={"verdict": answer.code})
            verdict = SaleVerdict.of(answer.code) if isinstance(answer, Refusal) else SaleVerdict.REFUSED
            return SaleOutcome(False, verdict, Mode.ONLINE, answer.code, code.serial, ledger_seq=entry.seq,
                               idempotency_key=key, **money)
        self.confirm(entry.seq, answer)
        return SaleOutcome(True, SaleVerdict.ACCEPTED, Mode.ONLINE, None, code.serial, ledger_seq=entry.seq,
                           idempotency_key=key, **money)

    def _fallback(self, code: Any, campaign: Any, cv: Any, seq: int, key: str, wire: str, body: Answer,
                  money: dict[str, Any], exc: Unavailable) -> SaleOutcome:
        till = self.till
        reason: str | None = None
        if isinstance(code, SignedCode) and not verify_signed(code, campaign.public_keys):
            reason, verdict = "bad_signature", SaleVerdict.FORGED
        elif cv is None or cv.state is not VoucherState.ISSUED or cv.sold_here:
            reason, verdict = "sold_or_not_in_cache", SaleVerdict.ALREADY_SOLD
        else:
            verdict = SaleVerdict.OFFLINE_REFUSED
            refusal = offline_refusal(till.policy(), amount_cents=0, today_offline_cents=0,
                                      cache_age_s=till.cache_age_s(), auth_blocked=till.network.auth_blocked())
            reason = refusal.code.value if refusal else None
        judged = OfflineJudgement(not reason, verdict, code.serial, campaign.id,
                                  {"verdict": verdict.value, "reason": reason}, verdict.value)
        self.ops.fall_back(seq, wire, body, exc, lambda conn: judged)
        if reason:
            return SaleOutcome(False, verdict, Mode.OFFLINE, reason, code.serial, ledger_seq=seq,
                               idempotency_key=key, **money)
        # sold here, not active centrally until the sync uploads it ("sold_offline")
        return SaleOutcome(True, SaleVerdict.ACCEPTED, Mode.OFFLINE, "sold_offline", code.serial, ledger_seq=seq,
                           idempotency_key=key, **money)

    def confirm(self, seq: int, answer: Answer, conn: Connection | None = None) -> None:
        """Record the API's acceptance of the sale at ledger ``seq`` (idempotent)."""
        self.ops.confirm(seq, answer, conn)

    def void_last(self) -> SaleOutcome:
        """Void this till's last live sale within the void window."""
        done = self.ops.void_last()
        last = done.opening
        if last is None:
            return SaleOutcome(False, SaleVerdict.NOTHING, self.till.network.mode)
        money: dict[str, Any] = {"price_cents": last.price_cents, "face_value_cents": last.amount_cents,
                                 "topup_cents": last.topup_cents}
        serial = last.voucher or ""
        if done.result is VoidResult.WINDOW_PASSED:
            return SaleOutcome(False, SaleVerdict.VOID_WINDOW_PASSED, self.till.network.mode, None, serial, **money)
        if done.result is VoidResult.VOIDED:
            return SaleOutcome(True, SaleVerdict.VOIDED, Mode.ONLINE, None, serial, **money)
        if done.ok:  # queued before the sale's upload, or recorded offline: sent at the next sync
            return SaleOutcome(True, SaleVerdict.VOIDED, Mode.OFFLINE, "voided_offline", serial, **money)
        error = done.error or done.result.value  # refused by the server, or nothing upstream to void
        return SaleOutcome(False, SaleVerdict.of(error), Mode.ONLINE, error, serial, **money)


def _money(campaign: Any) -> dict[str, Any]:
    """The amounts, name and validity of one card of ``campaign``, as SaleOutcome fields (the receipt's facts)."""
    return {"price_cents": campaign.sale_price_cents, "face_value_cents": campaign.face_value_cents,
            "topup_cents": campaign.topup_cents, "campaign_name": campaign.name,
            "valid_from": campaign.valid_from, "valid_until": campaign.valid_until}




def _no_void_data(queued: bool, answer: Answer | None) -> dict[str, Any]:
    return {}


def _mark_sold(conn: Connection, serial: str, campaign_id: str | None, at: str, by: str, online: bool) -> None:
    CacheStore.mark_sold_here_in(conn, serial, campaign_id, active=online)  # active centrally once confirmed


SALE = OperationKind(
    opening=EntryKind.SALE, confirmed=EntryKind.SALE_CONFIRMED, rejected=EntryKind.SALE_REJECTED,
    conflict=EntryKind.SALE_CONFLICT, void=EntryKind.SALE_VOID, outbox=OutboxKind.ACTIVATE,
    void_outbox=OutboxKind.SALE_VOID, parent_key="sale_key", upstream_id="sale_id", taken_at="activated_at",
    send=lambda api, wire, body: api.activate(wire, body),
    send_void=lambda api, sid, key, day: api.void_sale(sid, key, business_day=day),
    confirmed_fields=lambda answer: {
        "voucher": answer.get("serial"), "campaign_id": answer.get("campaign_id"),
        "amount_cents": int(answer.get("face_value_cents") or 0),
        "price_cents": int(answer.get("sale_price_cents") or 0), "topup_cents": int(answer.get("topup_cents") or 0),
        "data": {"sale_id": answer.get("sale_id"), "activated_at": answer.get("activated_at")}},
    mark_taken=_mark_sold, mark_released=CacheStore.unmark_sold_in, void_data=_no_void_data)


__all__ = ["SALE", "Mode", "SaleOutcome", "SaleService", "SaleVerdict"]
