"""Check, redeem and void at the till: online first, offline from the cache and the code's signature.

A redemption is written (ledger REDEMPTION pending + outbox row, one SQLite transaction) before any network call;
the API's answer confirms or rejects it. A crash anywhere is repaired by the next sync: the idempotency key makes
the retry replay the first answer. Those steps are the machine of ``operation.py`` (``REDEMPTION`` describes this
kind); the verdicts (online, offline from the cache and the signature) and the value of the day are here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from voucher_core.codes import CodeError, SignedCode, parse_code, verify_signed
from voucher_core.ledger import EntryKind
from voucher_core.timeutil import parse_utc_text, to_utc_text
from voucher_core.verdicts import Mode, Verdict, VerdictDetail, judge

from ..api.errors import ApiError, AuthError, Refusal, Unavailable
from ..store import Connection
from ..store.cache import CacheStore
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxKind
from .context import TillContext, new_key
from .day_value import accepted_detail, looked_up_value
from .operation import Answer, OfflineJudgement, OperationKind, Operations, VoidResult
from .policy import OfflineRefusal, offline_refusal


@dataclass(frozen=True, slots=True)
class RedemptionOutcome:
    verdict: VerdictDetail
    ledger_seq: int | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class VoidOutcome:
    ok: bool
    code: VoidResult
    serial: str | None = None
    amount_cents: int | None = None
    error: str | None = None  # the server's error code when it refused
    window_s: int | None = None


_VERDICT_CODES = {v.value for v in Verdict}


def _time(text: Any) -> datetime | None:
    try:
        return parse_utc_text(text) if text else None
    except (ValueError, TypeError):
        return None


def refusal_detail(exc: Refusal, serial: str | None, mode: Mode = Mode.ONLINE) -> VerdictDetail:
    """A verdict from the API's refusal (409 verdict codes, 404 unknown, 400 malformed)."""
    code = exc.code if exc.code in _VERDICT_CODES else ("unknown" if exc.status == 404 else "malformed")
    return VerdictDetail(Verdict(code), mode, serial=serial, redeemed_at=_time(exc.extra.get("redeemed_at")),
                         redeemed_by=exc.extra.get("redeemed_by"),
                         reason=None if exc.code in _VERDICT_CODES else exc.code)


class RedemptionService:
    """Use cases of a merchant's till: check a voucher, redeem it, void the last redemption."""

    def __init__(self, till: TillContext) -> None:
        self.till = till
        self.ops = Operations(till, REDEMPTION)

    # --- offline decision --------------------------------------------------------------------------------

    def offline_verdict(self, code: SignedCode | Any, *, for_redeem: bool = True,
                        conn: Connection | None = None) -> VerdictDetail:
        """Judge from the cache and the signature alone; on acceptance, apply the offline policy."""
        till = self.till
        cache: CacheStore = till.cache
        serial = code.serial
        campaign = None
        if isinstance(code, SignedCode):
            campaign = cache.campaign(code.campaign_id)
            if campaign is None:
                return VerdictDetail(Verdict.UNKNOWN, Mode.OFFLINE, serial=serial)
            if not verify_signed(code, campaign.public_keys):
                return VerdictDetail(Verdict.FORGED, Mode.OFFLINE, serial=serial, campaign_id=campaign.id)
        cv = cache.voucher(serial)
        if cv is not None and isinstance(code, SignedCode) and cv.campaign_id != code.campaign_id:
            return VerdictDetail(Verdict.FORGED, Mode.OFFLINE, serial=serial)
        if campaign is None and cv is not None:
            campaign = cache.campaign(cv.campaign_id)
        now = till.clock()
        day = date.fromisoformat(till.open_day(now))  # the day this till books on, as the server will
        verdict = judge(cv.state if cv else None, campaign, till.identity.merchant_id, now)
        # The value of the day: after a temporary top-up has ended, what this voucher's buyer paid (the change
        # feed's paid_cents; None: the campaign's price), as the server will book it.
        paid = cv.paid_cents if cv else None
        detail = VerdictDetail(verdict, Mode.OFFLINE, serial=serial, campaign_id=campaign.id if campaign else None,
                               campaign_name=campaign.name if campaign else None,
                               amount_cents=campaign.value_on(day, paid) if campaign else None,
                               redeemed_at=_time(cv.redeemed_at) if cv else None,
                               redeemed_by=cv.redeemed_by if cv else None,
                               topup_ended_on=campaign.topup_ended_on(day) if campaign else None,
                               valid_from=campaign.valid_from if campaign else None,
                               valid_until=campaign.valid_until if campaign else None)
        if verdict is Verdict.ACCEPTED and campaign is not None:  # judge accepts only a known campaign
            refusal = offline_refusal(till.policy(), amount_cents=campaign.value_on(day, paid) if for_redeem else 0,
                                      today_offline_cents=till.today_offline_cents(conn),
                                      cache_age_s=till.cache_age_s(), auth_blocked=till.network.auth_blocked())
            if refusal:
                return replace(detail, verdict=Verdict.OFFLINE_REFUSED, reason=refusal.code.value,
                               reason_data=refusal.data)
        return detail

    def taken_here(self, conn: Connection, serial: str) -> VerdictDetail | None:
        """ALREADY_REDEEMED when this till already holds a live redemption of ``serial``.

        An interrupted call (process killed, deadline) can leave that redemption pending with the voucher still
        active in the cache; taking the voucher a second time would count it twice, the second one ending as a
        conflict at upload. The pending one is uploaded by the sync.
        """
        entry = self.till.ledger.live_redemption_in(conn, serial)
        if entry is None:
            return None
        return VerdictDetail(Verdict.ALREADY_REDEEMED, self.till.network.mode, serial=serial,
                             campaign_id=entry.campaign_id, amount_cents=entry.amount_cents or None,
                             redeemed_at=_time(entry.ts_utc), redeemed_by=self.till.identity.merchant_name or None)

    # --- check -------------------------------------------------------------------------------------------

    def check(self, code_text: str) -> VerdictDetail:
        """What redeeming ``code_text`` here now would give. Never raises for bad input."""
        till = self.till
        try:
            code = parse_code(code_text)
        except CodeError as exc:
            return VerdictDetail(Verdict.MALFORMED, till.network.mode, reason=exc.reason)
        if till.network.held_offline():
            return self.offline_verdict(code, for_redeem=True)
        try:
            body = till.api.voucher(code.text if isinstance(code, SignedCode) else code.serial)
        except Refusal as exc:
            till.network.note(True)
            return refusal_detail(exc, code.serial)
        except AuthError as exc:
            till.network.note_auth_failure(exc)
            return self.offline_verdict(code, for_redeem=True)
        except (Unavailable, ApiError):
            till.network.note(False)
            return self.offline_verdict(code, for_redeem=True)
        till.network.note(True)
        verdict = Verdict(body["verdict"]) if body.get("verdict") in _VERDICT_CODES else Verdict.UNKNOWN
        campaign = till.cache.campaign(body.get("campaign_id"))
        amount, ended_on = looked_up_value(body, campaign, date.fromisoformat(till.open_day()))
        return VerdictDetail(verdict, Mode.ONLINE, serial=body.get("serial"), campaign_id=body.get("campaign_id"),
                             campaign_name=body.get("campaign_name"), amount_cents=amount,
                             redeemed_at=_time(body.get("redeemed_at")), redeemed_by=body.get("redeemed_by"),
                             topup_ended_on=ended_on,
                             valid_from=campaign.valid_from if campaign else None,
                             valid_until=campaign.valid_until if campaign else None)

    # --- redeem ------------------------------------------------------------------------------------------

    def redeem(self, code_text: str) -> RedemptionOutcome:
        """Redeem ``code_text``: pending entry + outbox row first, then the API, then confirm or reject."""
        till = self.till
        try:
            code = parse_code(code_text)
        except CodeError as exc:
            return RedemptionOutcome(VerdictDetail(Verdict.MALFORMED, till.network.mode, reason=exc.reason))
        wire = code.text if isinstance(code, SignedCode) else code.serial
        cv = till.cache.voucher(code.serial)
        campaign = till.cache.campaign(code.campaign_id if isinstance(code, SignedCode) else (cv.campaign_id
                                                                                               if cv else None))
        key = new_key()
        now = till.clock()
        day = date.fromisoformat(till.open_day(now))  # the business day the server will book it on
        amount = campaign.value_on(day, cv.paid_cents if cv else None) if campaign else 0
        body = {"idempotency_key": key, "client_time": to_utc_text(now), "offline": False}

        if till.network.held_offline():
            return self._redeem_held_offline(code, wire, amount, key, body)

        api = self.ops.ready_api()
        with till.db.transaction() as conn:
            taken = self.taken_here(conn, code.serial)
            if taken is not None:
                return RedemptionOutcome(taken)
            entry = self.ops.write_pending(conn, code.serial, wire, body, Mode.ONLINE, amount_cents=amount,
                                           campaign_id=_campaign_of(code, campaign.id if campaign else None))
        answer = self.ops.send(api, wire, body)
        if isinstance(answer, Unavailable):
            return self._fallback(code, entry.seq, key, wire, body, answer)
        if isinstance(answer, ApiError):
            detail = self._refused(code.serial, answer)
            self._reject(entry.seq, detail, answer)
            return RedemptionOutcome(detail, entry.seq, key)
        self.confirm(entry.seq, answer)
        return RedemptionOutcome(accepted_detail(answer, code.serial, campaign, day), entry.seq, key)

    @staticmethod
    def _refused(serial: str, exc: ApiError) -> VerdictDetail:
        """The verdict of an online refusal: the API's verdict, or (token, bad request) the voucher not taken."""
        if isinstance(exc, Refusal):
            return refusal_detail(exc, serial)
        if isinstance(exc, AuthError):
            return VerdictDetail(Verdict.OFFLINE_REFUSED, Mode.ONLINE, serial=serial,
                                 reason=OfflineRefusal.AUTH_BLOCKED.value, reason_data={"error": exc.code})
        # 422 and the like: not a verdict, the voucher was not taken
        return VerdictDetail(Verdict.OFFLINE_REFUSED, Mode.ONLINE, serial=serial, reason=exc.code)

    def _redeem_held_offline(self, code: Any, wire: str, amount: int, key: str,
                             body: dict[str, Any]) -> RedemptionOutcome:
        """The network just failed: decide at once, and only write when accepting."""
        till = self.till
        with till.db.transaction() as conn:
            detail = self.taken_here(conn, code.serial) or self.offline_verdict(code, conn=conn)
            if not detail.accepted:
                return RedemptionOutcome(detail)
            body["offline"] = True
            # a typed serial has no campaign in itself: keep the one the cache judged it by
            entry = self.ops.write_pending(conn, code.serial, wire, body, Mode.OFFLINE,
                                           amount_cents=detail.amount_cents or amount,
                                           campaign_id=_campaign_of(code, detail.campaign_id))
            CacheStore.mark_redeemed_in(conn, code.serial, detail.campaign_id, body["client_time"],
                                        till.identity.merchant_name)
        return RedemptionOutcome(detail, entry.seq, key)

    def confirm(self, seq: int, answer: Answer, conn: Connection | None = None) -> None:
        """Record the API's acceptance of the redemption at ledger ``seq`` (idempotent)."""
        self.ops.confirm(seq, answer, conn)

    def _reject(self, seq: int, detail: VerdictDetail, exc: ApiError) -> None:
        def remember_taker(conn: Connection) -> None:
            if detail.verdict is Verdict.ALREADY_REDEEMED and detail.serial:
                CacheStore.set_redeemed_in(conn, detail.serial, exc.extra.get("redeemed_at"),
                                           exc.extra.get("redeemed_by"))

        self.ops.reject(seq, {"error": exc.code, **exc.extra}, remember_taker, voucher=detail.serial,
                        mode=detail.mode.value,
                        data={"verdict": detail.verdict.value, "code": exc.code,
                              "redeemed_at": exc.extra.get("redeemed_at"), "redeemed_by": exc.extra.get("redeemed_by")})

    def _fallback(self, code: Any, seq: int, key: str, wire: str, body: Answer,
                  exc: Unavailable) -> RedemptionOutcome:
        """The API did not answer: the pending redemption is judged offline, in one transaction."""

        def judge_offline(conn: Connection) -> OfflineJudgement[VerdictDetail]:
            detail = self.offline_verdict(code, conn=conn)
            # Refused: if the request may have reached the server, the sync asks again with the same key and
            # voids a redemption it finds ('verify'); otherwise nothing was sent and nothing will be.
            return OfflineJudgement(detail.accepted, detail, code.serial, detail.campaign_id,
                                    {"verdict": detail.verdict.value, "reason": detail.reason,
                                     "network": exc.code}, detail.verdict.value)

        return RedemptionOutcome(self.ops.fall_back(seq, wire, body, exc, judge_offline).detail, seq, key)

    # --- void --------------------------------------------------------------------------------------------

    def void_last(self) -> VoidOutcome:
        """Void this till's last live redemption within the void window; both entries stay in the ledger."""
        done = self.ops.void_last()
        last = done.opening
        serial, amount = (last.voucher, last.amount_cents) if last is not None else (None, None)
        window = self.till.identity.void_window_s if done.result is VoidResult.WINDOW_PASSED else None
        return VoidOutcome(done.ok, done.result, serial, amount, error=done.error, window_s=window)

    def record_void(self, conn: Connection, seq: int, serial: str, campaign_id: str | None, amount: int,
                    key: str, mode: Mode, answer: Answer | None) -> None:
        """Append the VOID entry of redemption ``seq`` unless one exists; the voucher is active again locally."""
        opening = LedgerStore.at_seq_in(conn, seq)
        assert opening is not None  # the sync voids what this ledger holds
        self.ops.record_void(conn, opening, key, mode, _void_data(False, answer), voucher=serial,
                             campaign_id=campaign_id, amount_cents=amount)


def _campaign_of(code: Any, judged: str | None) -> str | None:
    """The campaign a redemption is booked under: a typed serial has none in itself (the cache's judgement)."""
    if judged is None and isinstance(code, SignedCode):
        return code.campaign_id
    return judged


def _void_data(queued: bool, answer: Answer | None) -> dict[str, Any]:
    return {"queued": True} if queued else {"voided_at": (answer or {}).get("voided_at")}


def _mark_redeemed(conn: Connection, serial: str, campaign_id: str | None, at: str, by: str, online: bool) -> None:
    CacheStore.mark_redeemed_in(conn, serial, campaign_id, at, by)


REDEMPTION = OperationKind(
    opening=EntryKind.REDEMPTION, confirmed=EntryKind.REDEMPTION_CONFIRMED, rejected=EntryKind.REDEMPTION_REJECTED,
    conflict=EntryKind.REDEMPTION_CONFLICT, void=EntryKind.VOID, outbox=OutboxKind.REDEEM,
    void_outbox=OutboxKind.VOID, parent_key="redemption_key", upstream_id="redemption_id", taken_at="redeemed_at",
    send=lambda api, wire, body: api.redeem(wire, body),
    send_void=lambda api, rid, key, day: api.void_redemption(rid, key, business_day=day),
    confirmed_fields=lambda answer: {
        "voucher": answer.get("serial"), "campaign_id": answer.get("campaign_id"),
        "amount_cents": int(answer.get("amount_cents") or 0),
        "data": {"redemption_id": answer.get("redemption_id"), "redeemed_at": answer.get("redeemed_at")}},
    mark_taken=_mark_redeemed, mark_released=CacheStore.mark_active_in, void_data=_void_data, verify_unsure=True)


__all__ = ["REDEMPTION", "RedemptionOutcome", "RedemptionService", "VoidOutcome", "VoidResult", "refusal_detail"]
