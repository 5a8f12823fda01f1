"""The one state machine of a till operation (a redemption, a sale), from its pending entry to its end.

1. ``write_pending``: the opening ledger entry and its outbox row, in one SQLite transaction, before any call;
2. ``send``: the API call; the network state notes what happened;
3. then ``confirm`` (accepted), ``reject`` (refused online: not taken) or ``fall_back`` (no answer: judged
   offline, either taken offline and queued for upload, or refused offline);
4. ``void_last``: undo the last live operation within the void window: a queued void when it is not uploaded
   yet, else a void pushed to the API, recorded offline (and queued) when the API does not answer.

An :class:`OperationKind` says what tells the kinds apart (ledger kinds, outbox kinds, API calls, the cache's
marks); the redemption- and sale-specific judgements (offline verdicts, values, prices) stay in their services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import parse_utc_text
from voucher_core.verdicts import Mode

from ..api.client import ApiClient
from ..api.errors import ApiError, AuthError, Unavailable
from ..store import Connection
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxKind, OutboxState, OutboxStore
from .context import ConfigError, ConfigProblem, TillContext, new_key, test_pause

Answer = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OperationKind:
    """What tells a redemption from a sale in the machine."""

    opening: EntryKind  # written pending, before any call
    confirmed: EntryKind
    rejected: EntryKind
    conflict: EntryKind
    void: EntryKind
    outbox: OutboxKind
    void_outbox: OutboxKind
    parent_key: str  # the void row's payload field naming the operation's idempotency key
    upstream_id: str  # the server's id of the operation in its answer, which a void names
    taken_at: str  # when the server took it, in its answer
    # the API calls: (api, wire code, body) and (api, upstream id, void key, business day)
    send: Callable[[ApiClient, str, Answer], Answer]
    send_void: Callable[[ApiClient, int, str, str], Answer]
    confirmed_fields: Callable[[Answer], dict[str, Any]]  # the confirmed entry's fields from the API's answer
    # the cache's view: the voucher taken here (conn, serial, campaign id, when, by whom, confirmed online) ...
    mark_taken: Callable[[Connection, str, str | None, str, str, bool], None]
    mark_released: Callable[[Connection, str], None]  # ... and given back by a void
    void_data: Callable[[bool, Answer | None], dict[str, Any]]  # the void entry's data (queued?, the answer)
    # a refusal offline after a request that may have landed: the sync asks the server again (else cancelled)
    verify_unsure: bool = False


@dataclass(frozen=True, slots=True)
class OfflineJudgement(Generic[T]):
    """The offline decision on a pending operation the API did not answer."""

    accepted: bool
    detail: T  # the service's own verdict, handed back to it
    serial: str
    campaign_id: str | None = None
    rejected_data: dict[str, Any] | None = None  # the rejected entry's data when refused
    verdict: str = ""  # the outbox row's offline verdict when refused


class VoidResult(StrEnum):
    """What undoing the last operation did (stable codes; the UI has the words)."""

    VOIDED = "voided"
    VOIDED_QUEUED = "voided_queued"  # not uploaded yet: cancelled here, the void follows it upstream
    VOIDED_OFFLINE = "voided_offline"  # recorded offline, sent at the next sync
    NOTHING_TO_VOID = "nothing_to_void"
    WINDOW_PASSED = "void_window_passed"  # data: window_s
    NOT_FOUND_UPSTREAM = "void_not_found_upstream"
    REFUSED = "void_refused"  # error: the server's error code


@dataclass(frozen=True, slots=True)
class Voided:
    result: VoidResult
    opening: LedgerEntry | None = None  # the operation voided (or that could not be)
    error: str | None = None  # the server's error code when it refused

    @property
    def ok(self) -> bool:
        return self.result in (VoidResult.VOIDED, VoidResult.VOIDED_QUEUED, VoidResult.VOIDED_OFFLINE)


def maybe_sent(exc: Unavailable) -> bool:
    """Whether a request that got no usable answer may still have reached the server (and been applied)."""
    return exc.status != 429 and (exc.code != "connection" or bool(exc.extra.get("maybe_sent")))


class Operations:
    """The machine for one kind of operation of one till."""

    def __init__(self, till: TillContext, kind: OperationKind) -> None:
        self.till = till
        self.kind = kind

    # --- pending, sent, ended ---------------------------------------------------------------------------

    def ready_api(self) -> ApiClient:
        """The API client; configuration and token problems surface here, before anything is written."""
        api = self.till.api
        if not self.till.tokens.get():
            raise ConfigError(ConfigProblem.NO_TOKEN)
        return api

    def write_pending(self, conn: Connection, serial: str, wire: str, body: Answer, mode: Mode,
                      **fields: Any) -> LedgerEntry:
        """The opening entry (pending) and its outbox row; ``body`` gets the business day the till books it on."""
        till = self.till
        entry = till.ledger.append_in(conn, till.entry(
            self.kind.opening, voucher=serial, mode=mode, idempotency_key=body["idempotency_key"],
            data={"client_time": body["client_time"]}, **fields))
        body["business_day"] = entry.business_day  # the server books it on the same day as this till
        till.outbox.insert_in(conn, body["idempotency_key"], self.kind.outbox, serial, {"code": wire, "body": body},
                              entry.seq)
        return entry

    def send(self, api: ApiClient, wire: str, body: Answer) -> Answer | ApiError:
        """The API's answer, or its error (``Unavailable``: no usable answer); the network state notes which."""
        network = self.till.network
        try:
            answer = self.kind.send(api, wire, body)
        except Unavailable as exc:
            network.note(False)
            return exc
        except AuthError as exc:
            network.note_auth_failure(exc)
            return exc
        except ApiError as exc:  # a verdict, or a request refused as wrong: the server did answer
            network.note(True)
            return exc
        network.note(True)
        test_pause("POS_APP_TEST_PAUSE_AFTER_SEND")
        return answer

    def confirm(self, seq: int, answer: Answer, conn: Connection | None = None) -> None:
        """Record the API's acceptance of the operation at ledger ``seq`` (idempotent)."""
        if conn is not None:
            self._confirm_in(conn, seq, answer)
        else:
            with self.till.db.transaction() as c:
                self._confirm_in(c, seq, answer)

    def _confirm_in(self, conn: Connection, seq: int, answer: Answer) -> None:
        till, kind = self.till, self.kind
        if not LedgerStore.has_ref_in(conn, kind.confirmed, seq):
            till.ledger.append_in(conn, till.entry(kind.confirmed, ref_seq=seq, **kind.confirmed_fields(answer)))
        row_id = OutboxStore.id_for_ledger_seq_in(conn, seq)
        if row_id is not None:
            till.outbox.set_state_in(conn, row_id, OutboxState.DONE, answer)
        if not LedgerStore.has_ref_in(conn, kind.void, seq):  # voided meanwhile: the voucher stays given back
            kind.mark_taken(conn, answer.get("serial") or "", answer.get("campaign_id"),
                            answer.get(kind.taken_at) or "", till.identity.merchant_name, True)

    def reject(self, seq: int, result: Answer, then: Callable[[Connection], None] | None = None,
               **fields: Any) -> None:
        """The API refused the operation online: a rejected entry, the outbox row rejected with ``result``."""
        till = self.till
        with till.db.transaction() as conn:
            till.ledger.append_in(conn, till.entry(self.kind.rejected, ref_seq=seq, **fields))
            row_id = OutboxStore.id_for_ledger_seq_in(conn, seq)
            if row_id is not None:
                till.outbox.set_state_in(conn, row_id, OutboxState.REJECTED, result)
            if then is not None:
                then(conn)

    def fall_back(self, seq: int, wire: str, body: Answer, exc: Unavailable,
                  judge: Callable[[Connection], OfflineJudgement[T]]) -> OfflineJudgement[T]:
        """The API did not answer: the pending operation is judged offline (``judge``), in one transaction.

        Taken: an OFFLINE_SWITCH entry, the upload marked offline. Refused: a rejected entry; the outbox row is
        cancelled, or left for the sync to verify when the request may have landed (``verify_unsure``).
        """
        till, kind, unsure = self.till, self.kind, maybe_sent(exc)
        with till.db.transaction() as conn:
            judged = judge(conn)
            row_id = OutboxStore.id_for_ledger_seq_in(conn, seq)
            assert row_id is not None  # written with the pending entry: always there
            if judged.accepted:
                till.ledger.append_in(conn, till.entry(EntryKind.OFFLINE_SWITCH, voucher=judged.serial, ref_seq=seq,
                                                       mode=Mode.OFFLINE, data={"reason": exc.code}))
                # The upload says offline; if the first attempt did land, the server answers
                # idempotency_key_reused and the sync resends the original body (see sync.py).
                till.outbox.set_payload_in(conn, row_id, {"code": wire, "body": {**body, "offline": True},
                                                          "maybe_sent": unsure})
                kind.mark_taken(conn, judged.serial, judged.campaign_id, body["client_time"],
                                till.identity.merchant_name, False)
            else:
                till.ledger.append_in(conn, till.entry(kind.rejected, voucher=judged.serial, ref_seq=seq,
                                                       mode=Mode.OFFLINE, data=judged.rejected_data or {}))
                state = OutboxState.VERIFY if unsure and kind.verify_unsure else OutboxState.CANCELLED
                till.outbox.set_state_in(conn, row_id, state, {"offline_verdict": judged.verdict})
        return judged

    # --- void ---------------------------------------------------------------------------------------------

    def void_last(self) -> Voided:
        """Void this till's last live operation within the void window; both entries stay in the ledger."""
        till, kind = self.till, self.kind
        with till.db.reading() as conn:
            last = LedgerStore.last_live_in(conn, kind.opening, (kind.void, kind.rejected, kind.conflict))
        if last is None:
            return Voided(VoidResult.NOTHING_TO_VOID)
        if till.clock() - parse_utc_text(last.ts_utc) > timedelta(seconds=till.identity.void_window_s):
            return Voided(VoidResult.WINDOW_PASSED, last)
        opened_key = last.idempotency_key or ""  # an operation always holds its serial and its key
        row = till.outbox.by_key(opened_key)
        key, day = new_key(), till.open_day()  # the day is kept with the void: its retries send the same body
        payload = {kind.parent_key: opened_key, "ref_seq": last.seq, "business_day": day}
        if row is not None and row.state == OutboxState.PENDING:
            # Not uploaded yet: cancel here now, and queue the void right after the operation.
            with till.db.transaction() as conn:
                vseq = self.record_void(conn, last, key, Mode.OFFLINE, kind.void_data(True, None))
                till.outbox.insert_in(conn, key, kind.void_outbox, last.voucher, payload, vseq)
            return Voided(VoidResult.VOIDED_QUEUED, last)
        upstream = (row.result or {}).get(kind.upstream_id) if row is not None else None
        if upstream is None:
            return Voided(VoidResult.NOT_FOUND_UPSTREAM, last)
        with till.db.transaction() as conn:
            oid = till.outbox.insert_in(conn, key, kind.void_outbox, last.voucher, payload, None)
        return self._push_void(last, int(upstream), key, day, oid)

    def _push_void(self, last: LedgerEntry, upstream: int, key: str, day: str, oid: int) -> Voided:
        till, kind = self.till, self.kind
        try:
            answer = kind.send_void(till.api, upstream, key, day)
        except Unavailable:
            till.network.note(False)
            with till.db.transaction() as conn:  # the outbox row stays pending: the sync pushes it
                self.record_void(conn, last, key, Mode.OFFLINE, kind.void_data(False, None))
            return Voided(VoidResult.VOIDED_OFFLINE, last)
        except ApiError as exc:
            with till.db.transaction() as conn:
                till.outbox.set_state_in(conn, oid, OutboxState.REJECTED, {"error": exc.code})
            if isinstance(exc, AuthError):
                till.network.note_auth_failure(exc)
            return Voided(VoidResult.REFUSED, last, exc.code)
        till.network.note(True)
        with till.db.transaction() as conn:
            self.record_void(conn, last, key, Mode.ONLINE, kind.void_data(False, answer))
            till.outbox.set_state_in(conn, oid, OutboxState.DONE, answer)
        return Voided(VoidResult.VOIDED, last)

    def record_void(self, conn: Connection, opening: LedgerEntry, key: str, mode: Mode, data: dict[str, Any],
                    **facts: Any) -> int | None:
        """The void entry of ``opening`` unless one exists (its seq, else None); the voucher is given back.

        It repeats the opening's voucher, campaign and amounts, or the ``facts`` given instead (a server's answer).
        """
        kind = self.kind
        if LedgerStore.has_ref_in(conn, kind.void, opening.seq):
            return None
        till = self.till
        fields = {"voucher": opening.voucher, "campaign_id": opening.campaign_id,
                  "amount_cents": opening.amount_cents, "price_cents": opening.price_cents,
                  "topup_cents": opening.topup_cents, **facts}
        void = till.ledger.append_in(conn, till.entry(kind.void, ref_seq=opening.seq, idempotency_key=key,
                                                      mode=mode, data=data, **fields))
        kind.mark_released(conn, fields["voucher"] or "")
        return void.seq


__all__ = ["Answer", "OfflineJudgement", "OperationKind", "Operations", "VoidResult", "Voided", "maybe_sent"]
