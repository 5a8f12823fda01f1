"""Books tests: a real till home (SQLite file) and a writer that appends ledger entries as the services do."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pos_app.services.books import Books
from pos_app.store import Database, open_home
from pos_app.store.ledger import LedgerStore
from voucher_core.ledger import EntryKind, LedgerEntry
from voucher_core.timeutil import to_utc_text


class MovableClock:
    """A clock the test sets (aware UTC)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Writer:
    """Writes ledger entries following docs/architecture.md (what the till services write)."""

    _keys = itertools.count(1)

    def __init__(self, db: Database, books: Books, till_id: str = "caisse-1") -> None:
        self.db, self.books, self.till_id = db, books, till_id
        self.store = LedgerStore(db)

    def _day(self, at: datetime, business_day: str | None) -> str:
        return business_day or self.books.open_business_day(at).isoformat()

    def open(self, kind: str, serial: str, at: datetime, *, mode: str = "online", campaign: str = "BOOST24",
             amount: int = 1200, price: int = 0, topup: int = 0, key: str | None = None,
             business_day: str | None = None) -> LedgerEntry:
        key = key or f"idem-{next(self._keys):08d}"
        return self.store.append(LedgerEntry(
            seq=0, ts_utc=to_utc_text(at), business_day=self._day(at, business_day), kind=kind,
            till_id=self.till_id, cashier="Alice", voucher=serial, campaign_id=campaign, amount_cents=amount,
            price_cents=price, topup_cents=topup, mode=mode, idempotency_key=key,
            data={"client_time": to_utc_text(at)}))

    def redeem(self, serial: str, at: datetime, **kw: Any) -> LedgerEntry:
        return self.open(EntryKind.REDEMPTION, serial, at, **kw)

    def sale(self, serial: str, at: datetime, **kw: Any) -> LedgerEntry:
        kw.setdefault("price", 1000)
        kw.setdefault("topup", 200)
        return self.open(EntryKind.SALE, serial, at, **kw)

    def follow(self, kind: str, ref: LedgerEntry, at: datetime, data: dict[str, Any] | None = None,
               business_day: str | None = None) -> LedgerEntry:
        amount = ref.amount_cents if kind in (EntryKind.VOID, EntryKind.SALE_VOID) else 0
        return self.store.append(LedgerEntry(
            seq=0, ts_utc=to_utc_text(at), business_day=self._day(at, business_day), kind=kind,
            till_id=self.till_id, cashier="Alice", voucher=ref.voucher, campaign_id=ref.campaign_id,
            amount_cents=amount, ref_seq=ref.seq, data=data or {}))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "till"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(utc(2026, 11, 23, 18, 0))


@pytest.fixture
def books(home: Path, clock: MovableClock) -> Books:
    db = open_home(home)
    yield Books(db, home, clock=clock, till_id="caisse-1", shop="Boulangerie Martin", siret="12345678900011")
    db.close()


@pytest.fixture
def writer(books: Books) -> Writer:
    return Writer(books.db, books)


def standard_day(w: Writer) -> dict[str, LedgerEntry]:
    """2026-11-23: online accepted x2, offline accepted, offline pending, voided, conflict, rejected, one sale."""
    E = EntryKind
    out: dict[str, LedgerEntry] = {}
    out["on1"] = w.redeem("000000000017", utc(2026, 11, 23, 8, 5))
    w.follow(E.REDEMPTION_CONFIRMED, out["on1"], utc(2026, 11, 23, 8, 5, 1), {"redemption_id": 1})
    out["on2"] = w.redeem("000000000025", utc(2026, 11, 23, 9, 0), campaign="CCI25", amount=2000)
    w.follow(E.REDEMPTION_CONFIRMED, out["on2"], utc(2026, 11, 23, 9, 0, 1), {"redemption_id": 2})
    out["off_ok"] = w.redeem("000000000033", utc(2026, 11, 23, 10, 0), mode="offline")
    out["off_pending"] = w.redeem("000000000041", utc(2026, 11, 23, 11, 0), mode="offline")
    out["voided"] = w.redeem("000000000058", utc(2026, 11, 23, 12, 0))
    w.follow(E.REDEMPTION_CONFIRMED, out["voided"], utc(2026, 11, 23, 12, 0, 1), {"redemption_id": 3})
    w.follow(E.VOID, out["voided"], utc(2026, 11, 23, 12, 2))
    out["conflict"] = w.redeem("000000000066", utc(2026, 11, 23, 13, 0), mode="offline")
    out["rejected"] = w.redeem("000000000074", utc(2026, 11, 23, 14, 0))
    w.follow(E.REDEMPTION_REJECTED, out["rejected"], utc(2026, 11, 23, 14, 0, 1), {"verdict": "expired"})
    # the sync later that afternoon
    w.follow(E.REDEMPTION_CONFIRMED, out["off_ok"], utc(2026, 11, 23, 15, 0), {"redemption_id": 4})
    w.follow(E.REDEMPTION_CONFLICT, out["conflict"], utc(2026, 11, 23, 15, 0, 1),
             {"verdict": "already_redeemed", "redeemed_at": "2026-11-22T10:00:00.000000Z",
              "redeemed_by": "Fleurs Dupont"})
    return out
