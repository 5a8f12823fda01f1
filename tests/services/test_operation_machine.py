"""The shared operation machine (services/operation.py) on a real till home with no server: the till points at a
https URL on a local port where nothing listens (every call is Unavailable at once), or where a listener closes
each connection as soon as it opens (the request may have been read: maybe_sent)."""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pos_app.api.errors import Unavailable
from pos_app.api.tokens import MemoryTokenProvider
from pos_app.core import daybook
from pos_app.services.operation import VoidResult, maybe_sent
from pos_app.services.sale import SaleVerdict
from pos_app.services.till import Till
from pos_app.store.outbox import OutboxKind, OutboxState
from pos_app.store.settings import SettingKey
from voucher_core.codes import make_serial, sign_code
from voucher_core.ledger import EntryKind
from voucher_core.timeutil import business_day, to_utc_text, utc_now
from voucher_core.verdicts import Mode, Verdict

KEY = Ed25519PrivateKey.generate()
CAMPAIGN = "BOOST24"
FACE, PRICE = 1200, 1000  # cents: the funder tops each card up by 200


@dataclass
class Clock:
    now: datetime = field(default_factory=utc_now)

    def __call__(self) -> datetime:
        return self.now


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def closing_port() -> Iterator[int]:
    """A port whose listener accepts each connection and closes it at once: the call fails after sending."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.05)  # accept() wakes up to see the stop
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(srv.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    srv.close()


def _open_till(home: Path, port: int, clock: Clock) -> Till:
    """A configured till (identity, campaign, cache synced now) whose server is ``https://127.0.0.1:<port>``."""
    till = Till.open(home, token_provider=MemoryTokenProvider("t" * 32), clock=clock)
    till.settings.set(SettingKey.SERVER_URL, f"https://127.0.0.1:{port}")
    till.store_me({"merchant": {"id": "M0001", "name": "Boulangerie Martin"}, "terminal": {"id": "T1"},
                   "roles": ["merchant", "seller"], "void_window_seconds": 600,
                   "offline_policy": {"offline_allowed": True, "max_offline_total_cents_per_day": 5000,
                                      "max_cache_age_seconds": 86400}})
    today = business_day(clock.now)
    pub = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    till.cache.replace_campaigns([{
        "id": CAMPAIGN, "name": "Chèques Booster", "face_value_cents": FACE, "sale_price_cents": PRICE,
        "valid_from": (today - timedelta(days=30)).isoformat(), "valid_until": (today + timedelta(days=30)).isoformat(),
        "merchant_ids": ["M0001"], "keys": [{"key_id": "K1", "public_key": base64.b64encode(pub).decode()}]}])
    till.cache.apply_changes([{"serial": make_serial(n), "campaign_id": CAMPAIGN, "state": state}
                              for n, state in ((1, "active"), (2, "active"), (3, "issued"), (4, "active"))])
    till.settings.set(SettingKey.CACHE_SYNCED_UTC, to_utc_text(clock.now))
    return till


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def till(tmp_path: Path, clock: Clock) -> Iterator[Till]:
    t = _open_till(tmp_path / "till", _closed_port(), clock)
    yield t
    t.close()


def code(n: int) -> str:
    return sign_code(CAMPAIGN, "K1", make_serial(n), KEY)


def kinds(till: Till) -> list[str]:
    return [e.kind for e in till.ledger.entries()]


def lines(till: Till) -> list[daybook.VoucherLine]:
    return till.books.day_lines(till.open_day())


def test_maybe_sent_only_when_the_request_may_have_left() -> None:
    assert not maybe_sent(Unavailable("connection", "refused", extra={"maybe_sent": False}))
    assert maybe_sent(Unavailable("connection", "reset", extra={"maybe_sent": True}))
    assert maybe_sent(Unavailable("timeout", "late"))
    assert not maybe_sent(Unavailable("rate_limited", "429", status=429))


def test_redemption_falls_back_offline_and_is_queued_for_upload(till: Till) -> None:
    out = till.redemptions.redeem(code(1))
    assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.OFFLINE
    assert out.verdict.amount_cents == FACE and out.ledger_seq is not None
    assert kinds(till) == [EntryKind.REDEMPTION, EntryKind.OFFLINE_SWITCH]
    row = till.outbox.by_ledger_seq(out.ledger_seq)
    assert row is not None and row.kind is OutboxKind.REDEEM and row.state is OutboxState.PENDING
    assert row.payload["body"]["offline"] is True and row.payload["maybe_sent"] is False  # refused connection
    assert row.payload["code"] == code(1) and row.payload["body"]["business_day"] == till.open_day()
    cached = till.cache.voucher(make_serial(1))
    assert cached is not None and cached.redeemed_by == "Boulangerie Martin"
    assert till.network.held_offline() and till.network.mode is Mode.OFFLINE
    [line] = lines(till)
    assert (line.status, line.amount_cents, line.mode) == (daybook.PENDING, FACE, "offline")  # the switch
    # held offline now: the same voucher again is refused at once, nothing written
    again = till.redemptions.redeem(code(1))
    assert again.verdict.verdict is Verdict.ALREADY_REDEEMED and again.ledger_seq is None
    assert len(kinds(till)) == 2
    assert till.ledger.verify().ok


def test_redemption_refused_offline_is_cancelled_when_nothing_left(till: Till) -> None:
    out = till.redemptions.redeem(make_serial(99))  # a typed serial this till has never heard of
    assert out.verdict.verdict is Verdict.UNKNOWN and out.ledger_seq is not None
    assert kinds(till) == [EntryKind.REDEMPTION, EntryKind.REDEMPTION_REJECTED]
    row = till.outbox.by_ledger_seq(out.ledger_seq)
    assert row is not None and row.state is OutboxState.CANCELLED and row.result == {"offline_verdict": "unknown"}
    assert till.outbox.count_pending() == 0
    [line] = lines(till)
    assert line.status == daybook.REJECTED and daybook.totals([line])["taken_cents"] == 0


def test_refusals_offline_after_a_request_that_may_have_landed(tmp_path: Path, clock: Clock,
                                                                closing_port: int) -> None:
    till = _open_till(tmp_path / "till", closing_port, clock)
    try:
        out = till.redemptions.redeem(make_serial(99))
        row = till.outbox.by_ledger_seq(out.ledger_seq or 0)
        # the sync asks the server again with the same key, and voids a redemption it finds
        assert row is not None and row.state is OutboxState.VERIFY
        till.network.last_failure = None  # not held offline: the sale goes to the closing port too
        sold = till.sales.sell(make_serial(1))  # an active card: sold already, the sale is refused offline
        assert (sold.ok, sold.verdict, sold.reason) == (False, SaleVerdict.ALREADY_SOLD, "sold_or_not_in_cache")
        sale_row = till.outbox.by_ledger_seq(sold.ledger_seq or 0)
        assert sale_row is not None and sale_row.state is OutboxState.CANCELLED  # a sale is never verified
        assert kinds(till) == [EntryKind.REDEMPTION, EntryKind.REDEMPTION_REJECTED, EntryKind.SALE,
                               EntryKind.SALE_REJECTED]
    finally:
        till.close()


def test_sale_offline_then_void_before_upload_queues_nothing_to_send(till: Till) -> None:
    checked = till.sales.check(code(3))
    assert (checked.ok, checked.verdict, checked.mode) == (True, SaleVerdict.SELLABLE, Mode.OFFLINE)
    sold = till.sales.sell(code(3))
    assert (sold.ok, sold.verdict, sold.mode, sold.reason) == (True, SaleVerdict.ACCEPTED, Mode.OFFLINE,
                                                               "sold_offline")
    assert (sold.price_cents, sold.face_value_cents, sold.topup_cents) == (PRICE, FACE, FACE - PRICE)
    cached = till.cache.voucher(make_serial(3))
    assert cached is not None and cached.sold_here
    [line] = lines(till)
    assert (line.kind, line.status, line.price_cents, line.topup_cents) == (daybook.SALE, daybook.PENDING, PRICE,
                                                                           FACE - PRICE)
    voided = till.sales.void_last()
    assert (voided.ok, voided.verdict, voided.mode, voided.reason) == (True, SaleVerdict.VOIDED, Mode.OFFLINE,
                                                                       "voided_offline")
    assert voided.price_cents == PRICE
    cached = till.cache.voucher(make_serial(3))
    assert cached is not None and not cached.sold_here
    void_rows = [r for r in till.outbox.all() if r.kind is OutboxKind.SALE_VOID]
    assert len(void_rows) == 1 and void_rows[0].payload["sale_key"] == sold.idempotency_key
    assert void_rows[0].ledger_seq == till.ledger.head()[0]  # queued with its SALE_VOID entry
    [line] = lines(till)
    assert line.status == daybook.VOIDED
    assert till.sales.void_last().verdict is SaleVerdict.NOTHING


def test_void_of_a_redemption_not_uploaded_is_queued_after_it(till: Till) -> None:
    out = till.redemptions.redeem(code(2))
    voided = till.redemptions.void_last()
    assert (voided.ok, voided.code, voided.serial, voided.amount_cents) == (True, VoidResult.VOIDED_QUEUED,
                                                                            make_serial(2), FACE)
    void = list(till.ledger.entries())[-1]
    assert (void.kind, void.ref_seq, void.mode, void.data) == (EntryKind.VOID, out.ledger_seq, "offline",
                                                               {"queued": True})
    row = till.outbox.by_key(void.idempotency_key or "")
    assert row is not None and row.kind is OutboxKind.VOID and row.ledger_seq == void.seq
    assert row.payload == {"redemption_key": out.idempotency_key, "ref_seq": out.ledger_seq,
                           "business_day": till.open_day()}
    cached = till.cache.voucher(make_serial(2))
    assert cached is not None and cached.state.value == "active"
    assert till.redemptions.void_last().code is VoidResult.NOTHING_TO_VOID
    assert daybook.totals(lines(till))["taken_cents"] == 0


def test_void_window_passed(till: Till, clock: Clock) -> None:
    till.redemptions.redeem(code(2))
    till.sales.sell(code(3))
    clock.now += timedelta(seconds=601)
    voided = till.redemptions.void_last()
    assert (voided.ok, voided.code, voided.window_s) == (False, VoidResult.WINDOW_PASSED, 600)
    sale = till.sales.void_last()
    assert (sale.ok, sale.verdict, sale.serial) == (False, SaleVerdict.VOID_WINDOW_PASSED, make_serial(3))
    assert EntryKind.VOID not in kinds(till) and EntryKind.SALE_VOID not in kinds(till)


def test_confirm_is_idempotent_and_a_confirmed_redemption_is_voided_offline(till: Till) -> None:
    out = till.redemptions.redeem(code(4))
    seq = out.ledger_seq or 0
    answer = {"redemption_id": 41, "serial": make_serial(4), "campaign_id": CAMPAIGN, "amount_cents": FACE,
              "redeemed_at": to_utc_text(utc_now())}
    till.redemptions.confirm(seq, answer)
    till.redemptions.confirm(seq, answer)  # the sync replays it: nothing more
    assert kinds(till).count(EntryKind.REDEMPTION_CONFIRMED) == 1
    row = till.outbox.by_ledger_seq(seq)
    assert row is not None and row.state is OutboxState.DONE and row.result == answer
    [line] = lines(till)
    assert (line.status, line.server_id) == (daybook.ACCEPTED, 41)
    assert daybook.totals([line])["owed_by_operator_cents"] == FACE
    # uploaded: the void goes to the API, which does not answer: recorded offline, sent at the next sync
    voided = till.redemptions.void_last()
    assert (voided.ok, voided.code) == (True, VoidResult.VOIDED_OFFLINE)
    void = list(till.ledger.entries())[-1]
    assert (void.kind, void.ref_seq, void.mode, void.data) == (EntryKind.VOID, seq, "offline", {"voided_at": None})
    pushed = till.outbox.by_key(void.idempotency_key or "")
    assert pushed is not None and pushed.state is OutboxState.PENDING and pushed.ledger_seq is None
    # a late confirmation after the void leaves the voucher given back
    till.redemptions.confirm(seq, answer)
    cached = till.cache.voucher(make_serial(4))
    assert cached is not None and cached.state.value == "active"
    assert till.ledger.verify().ok


def test_sale_confirm_books_the_server_figures_once(till: Till) -> None:
    sold = till.sales.sell(code(3))
    seq = sold.ledger_seq or 0
    answer = {"sale_id": 7, "serial": make_serial(3), "campaign_id": CAMPAIGN, "face_value_cents": FACE,
              "sale_price_cents": PRICE, "topup_cents": FACE - PRICE, "activated_at": to_utc_text(utc_now())}
    till.sales.confirm(seq, answer)
    till.sales.confirm(seq, answer)
    confirmed = [e for e in till.ledger.entries() if e.kind == EntryKind.SALE_CONFIRMED]
    assert len(confirmed) == 1
    assert (confirmed[0].price_cents, confirmed[0].topup_cents, confirmed[0].data["sale_id"]) == (PRICE, FACE - PRICE,
                                                                                                   7)
    cached = till.cache.voucher(make_serial(3))
    assert cached is not None and cached.state.value == "active" and cached.sold_here
    assert daybook.totals(lines(till))["owed_to_operator_cents"] == PRICE
    voided = till.sales.void_last()  # uploaded: pushed, no answer: recorded offline
    assert (voided.ok, voided.verdict, voided.reason) == (True, SaleVerdict.VOIDED, "voided_offline")
    assert kinds(till)[-1] == EntryKind.SALE_VOID
    cached = till.cache.voucher(make_serial(3))
    assert cached is not None and not cached.sold_here and cached.state.value == "issued"


def test_offline_daily_cap_refuses_in_the_fallback(till: Till) -> None:
    till.store_me({**till.settings.get(SettingKey.ME), "offline_policy": {"max_offline_total_cents_per_day": 2000}})
    assert till.redemptions.redeem(code(1)).verdict.accepted
    till.network.last_failure = None  # not held: the second one goes through the API's fallback too
    refused = till.redemptions.redeem(code(2))
    assert refused.verdict.verdict is Verdict.OFFLINE_REFUSED and refused.verdict.reason == "offline_daily_cap"
    assert kinds(till)[-1] == EntryKind.REDEMPTION_REJECTED
    assert till.today_offline_cents() == FACE
