"""Selling (activating) voucher cards at a tobacconist's till, online first, queued offline like redemptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..api.errors import ApiError, AuthError, Refusal, Unavailable
from ..core.campaigns import Validity, VoucherState
from ..core.codes import CodeError, SignedCode, parse_code, verify_signed
from ..core.ledger import EntryKind
from ..core.timeutil import parse_utc_text, to_utc_text
from ..core.verdicts import Mode, Verdict
from ..store import Connection
from ..store.cache import CacheStore
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxKind, OutboxState, OutboxStore
from .context import ConfigError, ConfigProblem, TillContext, new_key, test_pause
from .policy import offline_refusal


@dataclass(frozen=True, slots=True)
class SaleOutcome:
    ok: bool
    # "sellable" (check), "accepted" (sold), "voided", or the refusal code (already_sold, blocked, forged,
    # malformed, expired, unknown, forbidden, offline_refused, nothing, void_window_passed, or the server's code)
    verdict: str
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

    def _card(self, code_text: str) -> tuple[Any, Any, Any] | SaleOutcome:
        """(code, cached voucher, campaign) for a card this till may sell, or why not."""
        till = self.till
        try:
            code = parse_code(code_text)
        except CodeError as exc:
            return SaleOutcome(False, Verdict.MALFORMED.value, till.mode, exc.reason)
        if till.roles and "seller" not in till.roles:
            return SaleOutcome(False, "forbidden", till.mode, "not_seller", code.serial)
        cv = till.cache.voucher(code.serial)
        campaign = till.cache.campaign(code.campaign_id if isinstance(code, SignedCode) else
                                       (cv.campaign_id if cv else None))
        if campaign is None:
            return SaleOutcome(False, Verdict.UNKNOWN.value, till.mode, "not_in_cache", code.serial)
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
            return SaleOutcome(False, Verdict.FORGED.value, till.mode, None, code.serial, **money)
        if campaign.validity(till.clock()) is Validity.EXPIRED:
            return SaleOutcome(False, Verdict.EXPIRED.value, till.mode, "campaign_ended", code.serial, **money)
        mode, state, sold_here = Mode.OFFLINE, cv.state if cv else None, bool(cv and cv.sold_here)
        try:
            state, mode, sold_here = VoucherState(till.api.voucher(code.text if isinstance(code, SignedCode)
                                                                   else code.serial)["state"]), Mode.ONLINE, False
            till.note_network(True)
        except Unavailable:
            till.note_network(False)
        except ApiError as exc:
            if isinstance(exc, AuthError):
                till.note_auth_failure(exc)
            return SaleOutcome(False, exc.code, Mode.ONLINE, exc.code, code.serial, **money)
        if state is VoucherState.ISSUED and not sold_here:
            return SaleOutcome(True, "sellable", mode, None, code.serial, **money)
        if state is VoucherState.BLOCKED:
            return SaleOutcome(False, Verdict.BLOCKED.value, mode, None, code.serial, **money)
        if state is None:
            return SaleOutcome(False, Verdict.UNKNOWN.value, mode, None, code.serial, **money)
        return SaleOutcome(False, "already_sold", mode, None, code.serial, **money)

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
        now = till.clock()
        body = {"idempotency_key": key, "sale_price_cents": campaign.sale_price_cents,
                "client_time": to_utc_text(now), "offline": False}
        money = _money(campaign)
        api = till.api  # configuration and token problems surface here, before anything is written
        if not till.tokens.get():
            raise ConfigError(ConfigProblem.NO_TOKEN)
        with till.db.transaction() as conn:
            entry = till.ledger.append_in(conn, till.entry(
                EntryKind.SALE, voucher=code.serial, campaign_id=campaign.id, amount_cents=campaign.face_value_cents,
                price_cents=campaign.sale_price_cents, topup_cents=campaign.topup_cents, mode=Mode.ONLINE,
                idempotency_key=key, data={"client_time": body["client_time"]}))
            body["business_day"] = entry.business_day  # the server books it on the same day as this till
            row_id = till.outbox.insert_in(conn, key, OutboxKind.ACTIVATE, code.serial, {"code": wire, "body": body},
                                           entry.seq)
        try:
            answer = api.activate(wire, body)
        except Unavailable as exc:
            till.note_network(False)
            return self._fallback(code, campaign, cv, entry.seq, row_id, key, wire, body, money, exc)
        except ApiError as exc:
            if isinstance(exc, AuthError):
                till.note_auth_failure(exc)
            else:
                till.note_network(True)
            with till.db.transaction() as conn:
                till.ledger.append_in(conn, till.entry(EntryKind.SALE_REJECTED, voucher=code.serial, ref_seq=entry.seq,
                                                       data={"verdict": exc.code}))
                till.outbox.set_state_in(conn, row_id, OutboxState.REJECTED, {"error": exc.code})
            verdict = exc.code if isinstance(exc, Refusal) else "refused"
            return SaleOutcome(False, verdict, Mode.ONLINE, exc.code, code.serial, ledger_seq=entry.seq,
                               idempotency_key=key, **money)
        till.note_network(True)
        test_pause("POS_APP_TEST_PAUSE_AFTER_SEND")
        self.confirm(entry.seq, answer)
        return SaleOutcome(True, "accepted", Mode.ONLINE, None, code.serial, ledger_seq=entry.seq, idempotency_key=key,
                           **money)

    def _fallback(self, code: Any, campaign: Any, cv: Any, seq: int, row_id: int, key: str, wire: str,
                  body: dict[str, Any], money: dict[str, Any], exc: Unavailable) -> SaleOutcome:
        till = self.till
        reason: str | None = None
        if isinstance(code, SignedCode) and not verify_signed(code, campaign.public_keys):
            reason, verdict = "bad_signature", Verdict.FORGED.value
        elif cv is None or cv.state is not VoucherState.ISSUED or cv.sold_here:
            reason, verdict = "sold_or_not_in_cache", "already_sold"
        else:
            verdict = Verdict.OFFLINE_REFUSED.value
            refusal = offline_refusal(till.policy(), amount_cents=0, today_offline_cents=0,
                                      cache_age_s=till.cache_age_s(), auth_blocked=till.auth_blocked())
            reason = refusal.code.value if refusal else None
        maybe_sent = exc.status != 429 and (exc.code != "connection" or bool(exc.extra.get("maybe_sent")))
        with till.db.transaction() as conn:
            if reason:
                till.ledger.append_in(conn, till.entry(EntryKind.SALE_REJECTED, voucher=code.serial, ref_seq=seq,
                                                       mode=Mode.OFFLINE, data={"verdict": verdict, "reason": reason}))
                till.outbox.set_state_in(conn, row_id, OutboxState.CANCELLED, {"offline_verdict": verdict})
                return SaleOutcome(False, verdict, Mode.OFFLINE, reason, code.serial, ledger_seq=seq,
                                   idempotency_key=key, **money)
            till.ledger.append_in(conn, till.entry(EntryKind.OFFLINE_SWITCH, voucher=code.serial, ref_seq=seq,
                                                   mode=Mode.OFFLINE, data={"reason": exc.code}))
            till.outbox.set_payload_in(conn, row_id, {"code": wire, "body": {**body, "offline": True},
                                                      "maybe_sent": maybe_sent})
            CacheStore.mark_sold_here_in(conn, code.serial, campaign.id, active=False)
        # sold here, not active centrally until the sync uploads it ("sold_offline")
        return SaleOutcome(True, "accepted", Mode.OFFLINE, "sold_offline", code.serial, ledger_seq=seq,
                           idempotency_key=key, **money)

    def confirm(self, seq: int, answer: dict[str, Any], conn: Connection | None = None) -> None:
        till = self.till

        def work(c: Connection) -> None:
            if not LedgerStore.has_ref_in(c, EntryKind.SALE_CONFIRMED, seq):
                till.ledger.append_in(c, till.entry(
                    EntryKind.SALE_CONFIRMED, voucher=answer.get("serial"), campaign_id=answer.get("campaign_id"),
                    amount_cents=int(answer.get("face_value_cents") or 0),
                    price_cents=int(answer.get("sale_price_cents") or 0), topup_cents=int(answer.get("topup_cents")
                                                                                          or 0),
                    ref_seq=seq, data={"sale_id": answer.get("sale_id"), "activated_at": answer.get("activated_at")}))
            row_id = OutboxStore.id_for_ledger_seq_in(c, seq)
            if row_id is not None:
                till.outbox.set_state_in(c, row_id, OutboxState.DONE, answer)
            CacheStore.mark_sold_here_in(c, answer.get("serial") or "", answer.get("campaign_id"), active=True)

        if conn is not None:
            work(conn)
        else:
            with till.db.transaction() as c:
                work(c)

    def void_last(self) -> SaleOutcome:
        """Void this till's last live sale within the void window."""
        till = self.till
        with till.db.reading() as conn:
            last = LedgerStore.last_live_in(conn, EntryKind.SALE,
                                            (EntryKind.SALE_VOID, EntryKind.SALE_REJECTED, EntryKind.SALE_CONFLICT))
        if last is None:
            return SaleOutcome(False, "nothing", till.mode)
        # a sale always holds its serial and its key
        seq, ts, serial, campaign_id, skey = (last.seq, last.ts_utc, last.voucher or "", last.campaign_id,
                                              last.idempotency_key or "")
        face, price, topup = last.amount_cents, last.price_cents, last.topup_cents
        money: dict[str, Any] = {"price_cents": price, "face_value_cents": face, "topup_cents": topup}
        if till.clock() - parse_utc_text(ts) > timedelta(seconds=till.void_window_s):
            return SaleOutcome(False, "void_window_passed", till.mode, None, serial, **money)
        sale_row = till.outbox.by_key(skey)
        key, day = new_key(), till.open_day()  # the day is kept with the void: its retries send the same body
        synced = sale_row is not None and sale_row.state == OutboxState.DONE

        def record(conn: Connection, mode: Mode) -> int:
            void = till.ledger.append_in(conn, till.entry(
                EntryKind.SALE_VOID, voucher=serial, campaign_id=campaign_id, amount_cents=face, price_cents=price,
                topup_cents=topup, ref_seq=seq, idempotency_key=key, mode=mode))
            CacheStore.unmark_sold_in(conn, serial)
            return void.seq

        with till.db.transaction() as conn:
            vseq = None if synced else record(conn, Mode.OFFLINE)
            oid = till.outbox.insert_in(conn, key, OutboxKind.SALE_VOID, serial, {"sale_key": skey, "ref_seq": seq,
                                                                         "business_day": day}, vseq)
        if not synced:
            return SaleOutcome(True, "voided", Mode.OFFLINE, "voided_offline", serial, **money)
        sale_id = int((sale_row.result or {})["sale_id"]) if sale_row is not None else 0  # synced: both are set
        try:
            answer = till.api.void_sale(sale_id, key, business_day=day)
        except Unavailable:
            till.note_network(False)
            with till.db.transaction() as conn:
                record(conn, Mode.OFFLINE)
            return SaleOutcome(True, "voided", Mode.OFFLINE, "voided_offline", serial, **money)
        except ApiError as exc:
            with till.db.transaction() as conn:
                till.outbox.set_state_in(conn, oid, OutboxState.REJECTED, {"error": exc.code})
            return SaleOutcome(False, exc.code, Mode.ONLINE, exc.code, serial, **money)
        with till.db.transaction() as conn:
            record(conn, Mode.ONLINE)
            till.outbox.set_state_in(conn, oid, OutboxState.DONE, answer)
        return SaleOutcome(True, "voided", Mode.ONLINE, None, serial, **money)

def _money(campaign: Any) -> dict[str, Any]:
    """The amounts, name and validity of one card of ``campaign``, as SaleOutcome fields (the receipt's facts)."""
    return {"price_cents": campaign.sale_price_cents, "face_value_cents": campaign.face_value_cents,
            "topup_cents": campaign.topup_cents, "campaign_name": campaign.name,
            "valid_from": campaign.valid_from, "valid_until": campaign.valid_until}


__all__ = ["Mode", "SaleOutcome", "SaleService"]
