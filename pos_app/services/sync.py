"""Sync: push the outbox in order (idempotent), pull /changes into the cache by cursor, send the ledger head.

A redemption (or sale) the server refuses at upload is never deleted: it becomes a CONFLICT ledger entry and its
outbox row stays, in state 'conflict'.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import to_utc_text
from voucher_core.verdicts import Mode

from ..api.errors import ApiError, AuthError, ClientCode, ClientError, Refusal, Unavailable
from ..store import Connection
from ..store.cache import CacheStore
from ..store.ledger import LedgerStore
from ..store.outbox import OutboxKind, OutboxRow, OutboxState
from ..store.settings import SettingKey, Settings
from .closing_report import report_closings
from .context import TillContext, new_key
from .ledger_check import LEDGER_REFUSALS, send_head
from .redemption import RedemptionService
from .sale import SaleService
from .sync_records import SyncError, SyncPhase, SyncProgress, SyncReport, SyncStage, TillStatus

log = logging.getLogger(__name__)
UPLOAD_BUDGET = 15.0  # seconds per uploaded item: nobody waits at the counter for the sync
# A whole pass gives up after this long (a trickling server) and the loop resumes later where it stopped.
SYNC_PASS_BUDGET = 120.0


class SyncTill(TillContext, Protocol):
    """The till as the sync sees it: also the use cases whose confirmations and voids it records."""

    @property
    def redemptions(self) -> RedemptionService: ...

    @property
    def sales(self) -> SaleService: ...


def _opened_at(row: OutboxRow) -> int:
    """The ledger seq of the redemption or sale a 'redeem' or 'activate' row uploads (written with it)."""
    assert row.ledger_seq is not None
    return row.ledger_seq


def _entry_at(conn: Connection, seq: int) -> LedgerEntry:
    """The entry a void refers to (the ledger keeps every entry: it is there)."""
    entry = LedgerStore.at_seq_in(conn, seq)
    assert entry is not None
    return entry


class SyncService:
    def __init__(self, till: SyncTill) -> None:
        self.till = till
        self._lock = threading.Lock()  # one sync at a time (loop thread, CLI, UI button)
        self._b0 = 0  # bytes received before the current pass (progress reports this pass's bytes)
        self.pass_budget = SYNC_PASS_BUDGET
        self._deadline = 0.0

    # --- status ------------------------------------------------------------------------------------------

    def status(self) -> TillStatus:
        t = self.till
        return TillStatus(mode=t.network.mode, cache_age_s=t.cache_age_s(), outbox_count=t.outbox.count_pending(),
                          last_sync_utc=t.settings.get(SettingKey.LAST_SYNC_UTC),
                          offline_allowed=t.policy().offline_allowed,
                          merchant_name=t.identity.merchant_name, roles=list(t.identity.roles),
                          auth_blocked=t.network.auth_blocked(),
                          cached_vouchers=t.cache.count())

    # --- one pass ----------------------------------------------------------------------------------------

    def sync_once(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncReport:
        """Push, pull, send the head. Stops at the first network failure (order is kept); never raises ApiError."""
        with self._lock:
            report = SyncReport()
            api = self.till.api
            start_bytes = self._b0 = api.bytes_in
            self._deadline = time.monotonic() + self.pass_budget
            try:
                report_closings(self.till, self.budget)
                self._push(report, progress)
                self._pull(report, progress)
                self._head(report)
                self.till.network.note(True)
                self.till.settings.set(SettingKey.LAST_SYNC_UTC, to_utc_text(self.till.clock()))
            except AuthError as exc:
                self.till.network.note_auth_failure(exc)
                report.errors.append(SyncError(SyncStage.AUTH, exc.code))
            except Unavailable as exc:
                self.till.network.note(False)
                report.errors.append(SyncError(SyncStage.UNAVAILABLE, exc.code))
            except ApiError as exc:
                report.errors.append(SyncError(SyncStage.API, exc.code))
            report.bytes = api.bytes_in - start_bytes
            if progress:
                progress(SyncProgress(SyncPhase.DONE, report.pushed + report.pulled, None, report.bytes))
            return report

    def budget(self, seconds: float) -> float:
        """``seconds`` for the next call, cut to what is left of this pass; Unavailable once it is spent."""
        left = self._deadline - time.monotonic()
        if left <= 0.05:
            raise Unavailable(ClientCode.TIMEOUT, "sync pass stopped: the central server is too slow")
        return min(seconds, left)

    def _push(self, report: SyncReport, progress: Callable[[SyncProgress], None] | None) -> None:
        rows = self.till.outbox.pending()
        verify = [r for r in self.till.outbox.all() if r.state == OutboxState.VERIFY]
        total = len(rows) + len(verify)
        for i, row in enumerate(rows + verify):
            self._push_row(row, report)
            if progress:
                progress(SyncProgress(SyncPhase.PUSH, i + 1, total, self.till.api.bytes_in - self._b0))

    def _push_row(self, row: OutboxRow, report: SyncReport) -> None:
        till = self.till
        handler = {OutboxKind.REDEEM: self._push_redeem, OutboxKind.VOID: self._push_void,
                   OutboxKind.ACTIVATE: self._push_activate, OutboxKind.SALE_VOID: self._push_sale_void}[row.kind]
        try:
            handler(row, report)
        except (Unavailable, AuthError) as exc:
            till.outbox.note_attempt(row.id, exc.code)
            raise

    def _send_with_replay(self, send: Callable[[dict[str, Any]], dict[str, Any]], row: OutboxRow) -> dict[str, Any]:
        body = dict(row.payload["body"])
        try:
            return send(body)
        except ClientError as exc:
            if exc.code == "idempotency_key_reused" and row.payload.get("maybe_sent"):
                # The first online attempt did land with offline=false: resend that exact body to get its replay.
                return send({**body, "offline": not body.get("offline")})
            raise

    def _push_redeem(self, row: OutboxRow, report: SyncReport) -> None:
        till = self.till
        code = row.payload["code"]
        try:
            answer = self._send_with_replay(lambda b: till.api.redeem(code, b, budget=self.budget(UPLOAD_BUDGET)), row)
        except Refusal as exc:
            if row.state == OutboxState.VERIFY:
                with till.db.transaction() as conn:
                    till.outbox.set_state_in(conn, row.id, OutboxState.CANCELLED, {"error": exc.code})
                return
            with till.db.transaction() as conn:
                till.ledger.append_in(conn, till.entry(
                    EntryKind.REDEMPTION_CONFLICT, voucher=row.serial, ref_seq=row.ledger_seq,
                    data={"verdict": exc.code, "redeemed_at": exc.extra.get("redeemed_at"),
                          "redeemed_by": exc.extra.get("redeemed_by"), "message": exc.message}))
                till.outbox.set_state_in(conn, row.id, OutboxState.CONFLICT, {"error": exc.code, **exc.extra})
                if exc.code == "already_redeemed":
                    CacheStore.set_redeemed_in(conn, row.serial, exc.extra.get("redeemed_at"),
                                               exc.extra.get("redeemed_by"))
            report.conflicts += 1
            return
        except ClientError as exc:
            # Not a verdict (e.g. a malformed stored body): keep the row, visible, never deleted.
            with till.db.transaction() as conn:
                till.ledger.append_in(conn, till.entry(
                    EntryKind.REDEMPTION_CONFLICT, voucher=row.serial, ref_seq=row.ledger_seq,
                    data={"verdict": exc.code, "message": exc.message}))
                till.outbox.set_state_in(conn, row.id, OutboxState.CONFLICT, {"error": exc.code})
            report.conflicts += 1
            return
        if row.state == OutboxState.VERIFY:
            # The till refused it offline but the request had landed: take it back upstream at once.
            with till.db.transaction() as conn:
                till.redemptions.confirm(_opened_at(row), answer, conn)
            key = new_key()
            try:
                till.api.void_redemption(int(answer["redemption_id"]), key, budget=self.budget(UPLOAD_BUDGET),
                                         business_day=till.open_day())
            except Refusal as exc:
                report.errors.append(SyncError(SyncStage.VERIFY_VOID, exc.code))
                return
            with till.db.transaction() as conn:
                till.redemptions.record_void(conn, _opened_at(row), row.serial or "", answer.get("campaign_id"),
                                             int(answer.get("amount_cents") or 0), key, Mode.ONLINE, None)
                till.outbox.set_state_in(conn, row.id, OutboxState.DONE, answer)
            report.pushed += 1
            return
        with till.db.transaction() as conn:
            till.redemptions.confirm(_opened_at(row), answer, conn)
            if LedgerStore.has_ref_in(conn, EntryKind.VOID, row.ledger_seq):
                CacheStore.mark_active_in(conn, row.serial or "")
        report.pushed += 1

    def _void_upstream(self, row: OutboxRow, report: SyncReport, parent_key: str, id_field: str,
                       stage: SyncStage, send: Callable[[int], dict[str, Any]]) -> dict[str, Any] | None:
        """What pushing a redemption void and a sale void share: find what it voids, send, sort the refusal.

        Returns the server's answer, or None when the row is settled (cancelled or conflict) and nothing is left.
        """
        till = self.till
        parent = till.outbox.by_key(row.payload[parent_key])
        if parent is None or parent.state in (OutboxState.CONFLICT, OutboxState.REJECTED, OutboxState.CANCELLED):
            with till.db.transaction() as conn:
                till.outbox.set_state_in(conn, row.id, OutboxState.CANCELLED, {"reason": "nothing upstream to void"})
            return None
        upstream_id = (parent.result or {}).get(id_field)
        if parent.state != OutboxState.DONE or upstream_id is None:
            raise Unavailable(ClientCode.ORDER, f"the {parent_key.removesuffix('_key')} must be sent before its void")
        try:
            return send(int(upstream_id))
        except Refusal as exc:
            if exc.code == "already_voided":
                return {"already_voided": True}
            with till.db.transaction() as conn:
                till.outbox.set_state_in(conn, row.id, OutboxState.CONFLICT, {"error": exc.code})
            report.conflicts += 1
            report.errors.append(SyncError(stage, exc.code))
            return None

    def _push_void(self, row: OutboxRow, report: SyncReport) -> None:
        till = self.till
        answer = self._void_upstream(
            row, report, "redemption_key", "redemption_id", SyncStage.VOID,
            lambda rid: till.api.void_redemption(rid, row.idempotency_key, budget=self.budget(UPLOAD_BUDGET),
                                                business_day=row.payload.get("business_day")))
        if answer is None:
            return
        with till.db.transaction() as conn:
            seq = int(row.payload["ref_seq"])
            r = _entry_at(conn, seq)
            till.redemptions.record_void(conn, seq, r.voucher or "", r.campaign_id, r.amount_cents,
                                         row.idempotency_key, Mode.ONLINE, answer)
            till.outbox.set_state_in(conn, row.id, OutboxState.DONE, answer)
        report.pushed += 1

    def _push_activate(self, row: OutboxRow, report: SyncReport) -> None:
        till = self.till
        code = row.payload["code"]
        try:
            answer = self._send_with_replay(
                lambda b: till.api.activate(code, b, budget=self.budget(UPLOAD_BUDGET)), row)
        except (Refusal, ClientError) as exc:
            with till.db.transaction() as conn:
                till.ledger.append_in(conn, till.entry(EntryKind.SALE_CONFLICT, voucher=row.serial,
                                                       ref_seq=row.ledger_seq,
                                                       data={"verdict": exc.code, "message": exc.message}))
                till.outbox.set_state_in(conn, row.id, OutboxState.CONFLICT, {"error": exc.code})
                CacheStore.unmark_sold_in(conn, row.serial or "")
            report.conflicts += 1
            return
        with till.db.transaction() as conn:
            till.sales.confirm(_opened_at(row), answer, conn)
        report.pushed += 1

    def _push_sale_void(self, row: OutboxRow, report: SyncReport) -> None:
        till = self.till
        answer = self._void_upstream(
            row, report, "sale_key", "sale_id", SyncStage.SALE_VOID,
            lambda sid: till.api.void_sale(sid, row.idempotency_key, budget=self.budget(UPLOAD_BUDGET),
                                          business_day=row.payload.get("business_day")))
        if answer is None:
            return
        with till.db.transaction() as conn:
            seq = int(row.payload["ref_seq"])
            if not LedgerStore.has_ref_in(conn, EntryKind.SALE_VOID, seq):
                r = _entry_at(conn, seq)
                till.ledger.append_in(conn, till.entry(
                    EntryKind.SALE_VOID, voucher=r.voucher, campaign_id=r.campaign_id, amount_cents=r.amount_cents,
                    price_cents=r.price_cents, topup_cents=r.topup_cents, ref_seq=seq,
                    idempotency_key=row.idempotency_key, mode=Mode.ONLINE))
                CacheStore.unmark_sold_in(conn, r.voucher or "")
            till.outbox.set_state_in(conn, row.id, OutboxState.DONE, answer)
        report.pushed += 1

    # --- pull --------------------------------------------------------------------------------------------

    def _pull(self, report: SyncReport, progress: Callable[[SyncProgress], None] | None) -> None:
        till = self.till
        api = till.api
        me = api.me(budget=self.budget(10))
        till.store_me(me)
        till.cache.replace_campaigns(api.campaigns(budget=self.budget(30)))
        cursor = till.settings.get(SettingKey.CURSOR)
        while True:
            try:
                page = api.changes(cursor, limit=5000, budget=self.budget(60))
            except ClientError as exc:
                if exc.code != "invalid_request" or not cursor:
                    raise
                # A cursor the server no longer reads (its layout changed): start a full snapshot again, which
                # the cache upserts; nothing is skipped.
                cursor = None
                continue
            changes = page.get("changes", [])
            with till.db.transaction() as conn:
                till.cache.apply_changes(changes, conn)
                # What this till took but the server does not know yet stays taken locally.
                CacheStore.keep_pending_redeemed_in(conn)
                cursor = page.get("next_cursor") or cursor
                Settings.set_in(conn, SettingKey.CURSOR, cursor)
                if not page.get("has_more"):
                    Settings.set_in(conn, SettingKey.CACHE_SYNCED_UTC, to_utc_text(till.clock()))
            report.pulled += len(changes)
            if progress:
                progress(SyncProgress(SyncPhase.PULL, report.pulled, None, api.bytes_in - self._b0))
            if not page.get("has_more"):
                break

    def _head(self, report: SyncReport) -> None:
        try:
            report.head_acked = send_head(self.till, self.budget)
        except Refusal as exc:
            if exc.code not in LEDGER_REFUSALS:
                raise
            # The server's copy of this till's chain does not continue into this file (an entry edited or
            # deleted, a shortened or replaced file): the operator is alerted there; here the sync fails.
            seq = exc.extra.get("seq")
            report.errors.append(SyncError(SyncStage.LEDGER, exc.code, int(seq) if seq is not None else None))


class SyncLoop(threading.Thread):
    """Background sync: every ``interval`` s, at once on :meth:`wake`, exponential backoff with jitter on failure."""

    def __init__(self, sync: SyncService, interval: float = 30.0, max_backoff: float = 300.0,
                 on_report: Callable[[SyncReport], None] | None = None,
                 progress: Callable[[SyncProgress], None] | None = None) -> None:
        super().__init__(name="pos-sync", daemon=True)
        self.sync = sync
        self.interval = interval
        self.max_backoff = max_backoff
        self.on_report = on_report
        self.progress = progress
        self._wake = threading.Event()
        self._halt = threading.Event()
        self.failures = 0
        self.runs = 0

    def wake(self) -> None:
        """Sync now (button, reconnect)."""
        self._wake.set()

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.interval
        base = min(self.max_backoff, 2.0 ** min(self.failures, 16))
        return base * random.uniform(0.5, 1.5)

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                report = self.sync.sync_once(self.progress)
            except Exception as exc:  # never let the thread die: a store error is reported and retried
                log.warning("sync failed: %s", type(exc).__name__)
                report = SyncReport(errors=[SyncError(SyncStage.LOCAL, type(exc).__name__)])
            self.runs += 1
            self.failures = self.failures + 1 if report.unavailable else 0
            if self.on_report:
                self.on_report(report)
            self._wake.wait(self.next_delay())
            self._wake.clear()

    def stop(self, timeout: float = 30.0) -> None:
        self._halt.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)
