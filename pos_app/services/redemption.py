"""Check, redeem and void at the till: online first, offline from the cache and the code's signature.

A redemption is written (ledger REDEMPTION pending + outbox row, one SQLite transaction) before any network call;
the API's answer confirms or rejects it. A crash anywhere is repaired by the next sync: the idempotency key makes
the retry replay the first answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from ..api.errors import ApiError, AuthError, Refusal, Unavailable
from ..core.codes import CodeError, SignedCode, parse_code, verify_signed
from ..core.ledger import EntryKind
from ..core.timeutil import parse_utc_text, to_utc_text
from ..core.verdicts import Mode, Verdict, VerdictDetail, judge
from ..store import Connection
from ..store.cache import CacheStore
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxKind, OutboxState, OutboxStore
from .context import ConfigError, ConfigProblem, TillContext, new_key, test_pause
from .day_value import accepted_detail, looked_up_value
from .policy import OfflineRefusal, offline_refusal


@dataclass(frozen=True, slots=True)
class RedemptionOutcome:
    verdict: VerdictDetail
    ledger_seq: int | None = None
    idempotency_key: str | None = None


class VoidResult(StrEnum):
    """What undoing the last redemption did (stable codes; the UI has the words)."""

    VOIDED = "voided"
    VOIDED_QUEUED = "voided_queued"  # not uploaded yet: cancelled here, the void follows it upstream
    VOIDED_OFFLINE = "voided_offline"  # recorded offline, sent at the next sync
    NOTHING_TO_VOID = "nothing_to_void"
    WINDOW_PASSED = "void_window_passed"  # data: window_s
    NOT_FOUND_UPSTREAM = "void_not_found_upstream"
    REFUSED = "void_refused"  # error: the server's error code


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
        verdict = judge(cv.state if cv else None, campaign, till.merchant_id, now)
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
                                      cache_age_s=till.cache_age_s(), auth_blocked=till.auth_blocked())
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
        return VerdictDetail(Verdict.ALREADY_REDEEMED, Mode(self.till.mode), serial=serial,
                             campaign_id=entry.campaign_id, amount_cents=entry.amount_cents or None,
                             redeemed_at=_time(entry.ts_utc), redeemed_by=self.till.merchant_name or None)

    # --- check -------------------------------------------------------------------------------------------

    def check(self, code_text: str) -> VerdictDetail:
        """What redeeming ``code_text`` here now would give. Never raises for bad input."""
        till = self.till
        try:
            code = parse_code(code_text)
        except CodeError as exc:
            return VerdictDetail(Verdict.MALFORMED, Mode(till.mode), reason=exc.reason)
        if till.held_offline():
            return self.offline_verdict(code, for_redeem=True)
        try:
            body = till.api.voucher(code.text if isinstance(code, SignedCode) else code.serial)
        except Refusal as exc:
            till.note_network(True)
            return refusal_detail(exc, code.serial)
        except AuthError as exc:
            till.note_auth_failure(exc)
            return self.offline_verdict(code, for_redeem=True)
        except (Unavailable, ApiError):
            till.note_network(False)
            return self.offline_verdict(code, for_redeem=True)
        till.note_network(True)
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
            return RedemptionOutcome(VerdictDetail(Verdict.MALFORMED, Mode(till.mode), reason=exc.reason))
        wire = code.text if isinstance(code, SignedCode) else code.serial
        cv = till.cache.voucher(code.serial)
        campaign = till.cache.campaign(code.campaign_id if isinstance(code, SignedCode) else (cv.campaign_id
                                                                                               if cv else None))
        key = new_key()
        now = till.clock()
        day = date.fromisoformat(till.open_day(now))  # the business day the server will book it on
        amount = campaign.value_on(day, cv.paid_cents if cv else None) if campaign else 0
        body = {"idempotency_key": key, "client_time": to_utc_text(now), "offline": False}

        if till.held_offline():
            return self._redeem_held_offline(code, wire, amount, key, body)

        api = till.api  # configuration and token problems surface here, before anything is written
        if not till.tokens.get():
            raise ConfigError(ConfigProblem.NO_TOKEN)
        with till.db.transaction() as conn:
            taken = self.taken_here(conn, code.serial)
            if taken is not None:
                return RedemptionOutcome(taken)
            entry = self._write_pending(conn, code, wire, amount, key, body, Mode.ONLINE,
                                        campaign.id if campaign else None)
        try:
            answer = api.redeem(wire, body)
        except Refusal as exc:
            till.note_network(True)
            detail = refusal_detail(exc, code.serial)
            self._reject(entry.seq, detail, exc)
            return RedemptionOutcome(detail, entry.seq, key)
        except AuthError as exc:
            till.note_auth_failure(exc)
            detail = VerdictDetail(Verdict.OFFLINE_REFUSED, Mode.ONLINE, serial=code.serial,
                                   reason=OfflineRefusal.AUTH_BLOCKED.value, reason_data={"error": exc.code})
            self._reject(entry.seq, detail, exc)
            return RedemptionOutcome(detail, entry.seq, key)
        except Unavailable as exc:
            till.note_network(False)
            return self._fallback(code, entry.seq, key, body, exc)
        except ApiError as exc:  # 422 and the like: not a verdict, the voucher was not taken
            till.note_network(True)
            detail = VerdictDetail(Verdict.OFFLINE_REFUSED, Mode.ONLINE, serial=code.serial, reason=exc.code)
            self._reject(entry.seq, detail, exc)
            return RedemptionOutcome(detail, entry.seq, key)
        till.note_network(True)
        test_pause("POS_APP_TEST_PAUSE_AFTER_SEND")
        self.confirm(entry.seq, answer)
        return RedemptionOutcome(accepted_detail(answer, code.serial, campaign, day), entry.seq, key)

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
            entry = self._write_pending(conn, code, wire, detail.amount_cents or amount, key, body, Mode.OFFLINE,
                                        detail.campaign_id)
            CacheStore.mark_redeemed_in(conn, code.serial, detail.campaign_id, body["client_time"],
                                        till.merchant_name)
        return RedemptionOutcome(detail, entry.seq, key)

    def _write_pending(self, conn: Connection, code: Any, wire: str, amount: int, key: str,
                       body: dict[str, Any], mode: Mode, campaign_id: str | None = None) -> Any:
        till = self.till
        if campaign_id is None and isinstance(code, SignedCode):
            campaign_id = code.campaign_id
        entry = till.ledger.append_in(conn, till.entry(
            EntryKind.REDEMPTION, voucher=code.serial, campaign_id=campaign_id, amount_cents=amount, mode=mode,
            idempotency_key=key, data={"client_time": body["client_time"]}))
        body["business_day"] = entry.business_day  # the server books it on the same day as this till
        till.outbox.insert_in(conn, key, OutboxKind.REDEEM, code.serial, {"code": wire, "body": body}, entry.seq)
        return entry

    def confirm(self, seq: int, answer: dict[str, Any], conn: Connection | None = None) -> None:
        """Record the API's acceptance of the redemption at ledger ``seq`` (idempotent)."""
        till = self.till

        def work(c: Connection) -> None:
            if not LedgerStore.has_ref_in(c, EntryKind.REDEMPTION_CONFIRMED, seq):
                till.ledger.append_in(c, till.entry(
                    EntryKind.REDEMPTION_CONFIRMED, voucher=answer.get("serial"),
                    campaign_id=answer.get("campaign_id"), amount_cents=int(answer.get("amount_cents") or 0),
                    ref_seq=seq, data={"redemption_id": answer.get("redemption_id"),
                                       "redeemed_at": answer.get("redeemed_at")}))
            row_id = OutboxStore.id_for_ledger_seq_in(c, seq)
            if row_id is not None:
                till.outbox.set_state_in(c, row_id, OutboxState.DONE, answer)
            if not LedgerStore.has_ref_in(c, EntryKind.VOID, seq):
                CacheStore.mark_redeemed_in(c, answer.get("serial") or "", answer.get("campaign_id"),
                                            answer.get("redeemed_at") or "", till.merchant_name)

        if conn is not None:
            work(conn)
        else:
            with till.db.transaction() as c:
                work(c)

    def _reject(self, seq: int, detail: VerdictDetail, exc: ApiError) -> None:
        till = self.till
        with till.db.transaction() as conn:
            till.ledger.append_in(conn, till.entry(
                EntryKind.REDEMPTION_REJECTED, voucher=detail.serial, ref_seq=seq, mode=detail.mode.value,
                data={"verdict": detail.verdict.value, "code": exc.code,
                      "redeemed_at": exc.extra.get("redeemed_at"), "redeemed_by": exc.extra.get("redeemed_by")}))
            row_id = OutboxStore.id_for_ledger_seq_in(conn, seq)
            if row_id is not None:
                till.outbox.set_state_in(conn, row_id, OutboxState.REJECTED, {"error": exc.code, **exc.extra})
            if detail.verdict is Verdict.ALREADY_REDEEMED and detail.serial:
                CacheStore.set_redeemed_in(conn, detail.serial, exc.extra.get("redeemed_at"),
                                           exc.extra.get("redeemed_by"))

    def _fallback(self, code: Any, seq: int, key: str, body: dict[str, Any], exc: Unavailable) -> RedemptionOutcome:
        """The API did not answer: the pending redemption is judged offline, in one transaction."""
        till = self.till
        maybe_sent = exc.status != 429 and (exc.code != "connection" or bool(exc.extra.get("maybe_sent")))
        with till.db.transaction() as conn:
            detail = self.offline_verdict(code, conn=conn)
            if detail.accepted:
                till.ledger.append_in(conn, till.entry(EntryKind.OFFLINE_SWITCH, voucher=code.serial, ref_seq=seq,
                                                       mode=Mode.OFFLINE, data={"reason": exc.code}))
                row_id = _row_id(conn, seq)
                # The upload says offline; if the first attempt did land, the server answers
                # idempotency_key_reused and the sync resends the original body (see sync.py).
                till.outbox.set_payload_in(conn, row_id, {"code": body_code(conn, row_id),
                                                          "body": {**body, "offline": True},
                                                          "maybe_sent": maybe_sent})
                CacheStore.mark_redeemed_in(conn, code.serial, detail.campaign_id, body["client_time"],
                                            till.merchant_name)
            else:
                till.ledger.append_in(conn, till.entry(
                    EntryKind.REDEMPTION_REJECTED, voucher=code.serial, ref_seq=seq, mode=Mode.OFFLINE,
                    data={"verdict": detail.verdict.value, "reason": detail.reason, "network": exc.code}))
                row_id = _row_id(conn, seq)
                # If the request may have reached the server, the sync asks again with the same key and voids a
                # redemption it finds ('verify'); otherwise nothing was sent and nothing will be.
                till.outbox.set_state_in(conn, row_id, OutboxState.VERIFY if maybe_sent else OutboxState.CANCELLED,
                                         {"offline_verdict": detail.verdict.value})
        return RedemptionOutcome(detail, seq, key)

    # --- void --------------------------------------------------------------------------------------------

    def void_last(self) -> VoidOutcome:
        """Void this till's last live redemption within the void window; both entries stay in the ledger."""
        till = self.till
        with till.db.reading() as conn:
            last = LedgerStore.last_live_in(conn, EntryKind.REDEMPTION, _SETTLED)
        if last is None:
            return VoidOutcome(False, VoidResult.NOTHING_TO_VOID)
        # a redemption always holds its serial and its key
        seq, ts, serial, amount, campaign_id, rkey = (last.seq, last.ts_utc, last.voucher or "", last.amount_cents,
                                                      last.campaign_id, last.idempotency_key or "")
        if till.clock() - parse_utc_text(ts) > timedelta(seconds=till.void_window_s):
            return VoidOutcome(False, VoidResult.WINDOW_PASSED, serial, amount, window_s=till.void_window_s)
        red_row = till.outbox.by_key(rkey)
        key, day = new_key(), till.open_day()  # the day is kept with the void: its retries send the same body
        if red_row is not None and red_row.state == OutboxState.PENDING:
            # Not uploaded yet: cancel here now, and queue the void right after the redemption.
            with till.db.transaction() as conn:
                void = till.ledger.append_in(conn, till.entry(
                    EntryKind.VOID, voucher=serial, campaign_id=campaign_id, amount_cents=amount, ref_seq=seq,
                    idempotency_key=key, mode=Mode.OFFLINE, data={"queued": True}))
                till.outbox.insert_in(conn, key, OutboxKind.VOID, serial, {"redemption_key": rkey, "ref_seq": seq,
                                                                  "business_day": day}, void.seq)
                CacheStore.mark_active_in(conn, serial)
            return VoidOutcome(True, VoidResult.VOIDED_QUEUED, serial, amount)
        rid = (red_row.result or {}).get("redemption_id") if red_row else None
        if rid is None:
            return VoidOutcome(False, VoidResult.NOT_FOUND_UPSTREAM, serial, amount)
        with till.db.transaction() as conn:
            oid = till.outbox.insert_in(conn, key, OutboxKind.VOID, serial, {"redemption_key": rkey, "ref_seq": seq,
                                                                    "business_day": day}, None)
        try:
            answer = till.api.void_redemption(int(rid), key, business_day=day)
        except Unavailable:
            till.note_network(False)
            with till.db.transaction() as conn:
                self.record_void(conn, seq, serial, campaign_id, amount, key, Mode.OFFLINE, None)
            return VoidOutcome(True, VoidResult.VOIDED_OFFLINE, serial, amount)
        except ApiError as exc:
            with till.db.transaction() as conn:
                till.outbox.set_state_in(conn, oid, OutboxState.REJECTED, {"error": exc.code})
            if isinstance(exc, AuthError):
                till.note_auth_failure(exc)
            return VoidOutcome(False, VoidResult.REFUSED, serial, amount, error=exc.code)
        till.note_network(True)
        with till.db.transaction() as conn:
            self.record_void(conn, seq, serial, campaign_id, amount, key, Mode.ONLINE, answer)
            till.outbox.set_state_in(conn, oid, OutboxState.DONE, answer)
        return VoidOutcome(True, VoidResult.VOIDED, serial, amount)

    def record_void(self, conn: Connection, seq: int, serial: str, campaign_id: str | None, amount: int,
                    key: str, mode: Mode, answer: dict[str, Any] | None) -> None:
        """Append the VOID entry of redemption ``seq`` unless one exists; the voucher is active again locally."""
        if LedgerStore.has_ref_in(conn, EntryKind.VOID, seq):
            return
        till = self.till
        till.ledger.append_in(conn, till.entry(EntryKind.VOID, voucher=serial, campaign_id=campaign_id,
                                               amount_cents=amount, ref_seq=seq, idempotency_key=key, mode=mode,
                                               data={"voided_at": (answer or {}).get("voided_at")}))
        CacheStore.mark_active_in(conn, serial)


# what settles a redemption for good: it cannot be voided any more
_SETTLED = (EntryKind.VOID, EntryKind.REDEMPTION_REJECTED, EntryKind.REDEMPTION_CONFLICT)


def _row_id(conn: Connection, seq: int) -> int:
    """The outbox row of the pending operation at ledger ``seq`` (written with it: always there)."""
    row_id = OutboxStore.id_for_ledger_seq_in(conn, seq)
    assert row_id is not None
    return row_id


def body_code(conn: Connection, row_id: int) -> str:
    return str(OutboxStore.payload_in(conn, row_id)["code"])
