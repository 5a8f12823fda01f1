"""Books: closings (day, month, year; chained; irreversible), reconciliation with the server's /ledger,
report models, the till's signing key and the signed archive.

Business-day rule: entries must carry ``Books.open_business_day(now)`` as their ``business_day`` (the Paris
day of ``now``, or the next day not yet closed). Writers that forget are still safe: the day book moves an
entry written after its day's closing to the next open day, and closings snapshot their totals.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core import daybook
from ..core.daybook import VoucherLine
from ..core.ledger import EntryKind, LedgerEntry
from ..core.timeutil import Clock, business_day, to_utc_text, utc_now
from ..reports.model import DayReport, MonthReport, Reconciliation, ReconItem
from ..store.closings import Closing, ClosingStore
from ..store.db import Database, private_dir
from ..store.ledger import _SELECT, LedgerStore, _row_to_entry
from ..store.settings import Settings

KEY_FILENAME = "till_signing_key.pem"
_SELECT_NO_DATA = _SELECT.replace(" data,", " '{}' AS data,", 1)
_OPENINGS = (EntryKind.REDEMPTION.value, EntryKind.SALE.value)
_FOLLOWUP_KINDS = tuple(k.value for k in (
    EntryKind.REDEMPTION_CONFIRMED, EntryKind.REDEMPTION_REJECTED, EntryKind.REDEMPTION_CONFLICT, EntryKind.VOID,
    EntryKind.SALE_CONFIRMED, EntryKind.SALE_REJECTED, EntryKind.SALE_CONFLICT, EntryKind.SALE_VOID,
    EntryKind.OFFLINE_SWITCH))


class BooksError(Exception):
    """A refused books operation; ``code`` is stable, the message is French (``message_en`` in English)."""

    def __init__(self, code: str, message: str, message_en: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message_en = message_en or message


# --- signing key ----------------------------------------------------------------------------------------

def load_or_create_key(home: Path) -> Any:
    """The till's Ed25519 private key, generated once and kept (mode 0600) in the till home."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(home) / KEY_FILENAME
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    os.replace(tmp, path)
    return key


def public_key_raw(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_raw: bytes) -> str:
    """Short, readable fingerprint of a raw Ed25519 public key (printed on reports and closings)."""
    from ..reports.archive import fingerprint as fp

    return fp(public_raw)


# --- books ----------------------------------------------------------------------------------------------

class Books:
    """Closings, reconciliation and report models of one till (its Database, and its home for the key)."""

    def __init__(self, db: Database, home: Path | None = None, *, clock: Clock = utc_now,
                 till_id: str | None = None, shop: str | None = None, siret: str | None = None,
                 cashier: str | None = None) -> None:
        self.db = db
        self.home = Path(home) if home is not None else db.path.parent
        self.clock = clock
        self.ledger = LedgerStore(db)
        self.closings = ClosingStore(db)
        self.settings = Settings(db)
        self._till_id, self._shop, self._siret = till_id, shop, siret
        self.cashier = cashier if cashier is not None else str(self.settings.get("cashier") or "")

    # header facts: the till's identity as the till services store it (settings "me" = GET /me)
    def _me(self) -> dict[str, Any]:
        me = self.settings.get("me") or {}
        return me if isinstance(me, dict) else {}

    @property
    def till_id(self) -> str:
        """Same spelling as the till services' ledger entries: ``<merchant id>/<terminal id>``, and its name."""
        if self._till_id:
            return self._till_id
        me = self._me()
        merchant, term = me.get("merchant") or {}, me.get("terminal") or {}
        if not merchant.get("id"):
            return "unconfigured"
        ident = f"{merchant['id']}/{term.get('id', '?')}"
        return f"{term['name']} ({ident})" if term.get("name") else ident

    @property
    def ledger_till_id(self) -> str:
        """The till id written in this till's ledger entries (closings, archive exports)."""
        if self._till_id:
            return self._till_id
        me = self._me()
        merchant, term = me.get("merchant") or {}, me.get("terminal") or {}
        return f"{merchant['id']}/{term.get('id', '?')}" if merchant.get("id") else "unconfigured"

    @property
    def shop(self) -> str:
        return self._shop or str((self._me().get("merchant") or {}).get("name") or "")

    @property
    def siret(self) -> str:
        return self._siret or str((self._me().get("merchant") or {}).get("siret") or "")

    def key_fingerprint(self) -> str:
        return fingerprint(public_key_raw(load_or_create_key(self.home)))

    # --- business days --------------------------------------------------------------------------------

    def open_business_day(self, now: datetime | None = None) -> date:
        """The business day a new entry written at ``now`` belongs to: Paris day, or the next day not closed."""
        moment = now or self.clock()
        return daybook.open_day_after(business_day(moment), self.closings.day_seqs())

    def _lines_in(self, conn: Any, day: str, upto_seq: int | None = None) -> list[VoucherLine]:
        """Voucher lines assigned to ``day``, folded with every follow-up (up to ``upto_seq``)."""
        day_seqs = self.closings.day_seqs_in(conn)
        source_days = [day]
        d = date.fromisoformat(day) - timedelta(days=1)
        while d.isoformat() in day_seqs:  # entries written late into closed days before move forward
            source_days.append(d.isoformat())
            d -= timedelta(days=1)
        marks = ",".join("?" * len(source_days))
        # the openings' data (client_time) is not needed by the day book: skip parsing it (big days)
        sql = f"{_SELECT_NO_DATA} WHERE business_day IN ({marks}) AND kind IN (?, ?)"
        args: list[Any] = [*source_days, *_OPENINGS]
        if upto_seq is not None:
            sql += " AND seq <= ?"
            args.append(upto_seq)
        openings = [_row_to_entry(r) for r in conn.execute(sql + " ORDER BY seq", args)]
        openings = [e for e in openings if daybook.assigned_day(e.business_day, e.seq, day_seqs) == day]
        if not openings:
            return []
        wanted = {e.seq for e in openings}
        fsql = f"{_SELECT} WHERE seq > ? AND kind IN ({','.join('?' * len(_FOLLOWUP_KINDS))})"
        fargs: list[Any] = [min(wanted), *_FOLLOWUP_KINDS]
        if upto_seq is not None:
            fsql += " AND seq <= ?"
            fargs.append(upto_seq)
        follow = [e for e in (_row_to_entry(r) for r in conn.execute(fsql, fargs)) if e.ref_seq in wanted]
        entries = sorted(openings + follow, key=lambda e: e.seq)
        lines = daybook.fold(entries, day_seqs)
        return [line for line in lines.values() if line.business_day == day]

    def day_lines(self, day: date | str, upto_seq: int | None = None) -> list[VoucherLine]:
        with self.db.reading() as conn:
            return self._lines_in(conn, str(day), upto_seq)

    def today_totals(self) -> tuple[int, int]:
        """(count, cents) of the open day's redemptions the till kept (accepted, pending, conflict)."""
        lines = self.day_lines(self.open_business_day())
        kept = [x for x in lines if x.kind == daybook.REDEMPTION
                and x.status in (daybook.ACCEPTED, daybook.PENDING, daybook.CONFLICT)]
        return len(kept), sum(x.amount_cents for x in kept)

    # --- closings -------------------------------------------------------------------------------------

    def _write_closing(self, conn: Any, kind: str, period: str, bday: str, totals: dict[str, Any],
                       extra: dict[str, Any]) -> Closing:
        previous = self.closings.all_in(conn, kind)
        prev = previous[-1] if previous else None
        perpetual = (prev.totals.get("perpetual_total_cents", 0) if prev else 0) + totals["period_total_cents"]
        totals = dict(totals, perpetual_total_cents=perpetual)
        head_seq, _ = LedgerStore.head_in(conn)
        now = to_utc_text(self.clock())
        data = {"closing_kind": kind, "period": period, "totals": totals, "last_seq": head_seq,
                "previous_closing_seq": prev.ledger_seq if prev else None,
                "previous_closing_hash": prev.hash if prev else None,
                "key_fingerprint": self.key_fingerprint(), **extra}
        entry = LedgerEntry(seq=0, ts_utc=now, business_day=bday, kind=EntryKind.CLOSING, till_id=self.ledger_till_id,
                            cashier=self.cashier, data=data)
        sealed = self.ledger.append_in(conn, entry)
        closing = Closing(kind, period, sealed.seq, now, totals, sealed.hash)
        ClosingStore.insert_in(conn, closing)
        return closing

    def close_day(self, day: date | str | None = None) -> Closing:
        """Close a business day (default: the open one). Irreversible; a second closing is refused."""
        the_day = date.fromisoformat(str(day)) if day is not None else self.open_business_day()
        period = the_day.isoformat()
        with self.db.transaction() as conn:
            if ClosingStore.get_in(conn, "day", period):
                raise BooksError("already_closed", f"La journée du {the_day:%d/%m/%Y} est déjà clôturée.",
                                 f"The day {period} is already closed.")
            today = daybook.open_day_after(business_day(self.clock()), ClosingStore.day_seqs_in(conn))
            if the_day > today:
                raise BooksError("future", f"La journée du {the_day:%d/%m/%Y} n'est pas encore commencée.",
                                 f"The day {period} has not started yet.")
            later = [c for c in ClosingStore.all_in(conn, "day") if c.period > period]
            if later:
                raise BooksError("later_closed", f"Une journée plus récente ({later[-1].period}) est déjà clôturée.",
                                 f"A later day ({later[-1].period}) is already closed.")
            lines = self._lines_in(conn, period)
            totals = daybook.totals(lines)
            return self._write_closing(conn, "day", period, period, totals, {"lines": len(lines)})

    def _close_group(self, kind: str, period: str, child_kind: str, last_day: date) -> Closing:
        with self.db.transaction() as conn:
            if ClosingStore.get_in(conn, kind, period):
                raise BooksError("already_closed", f"La période {period} est déjà clôturée.",
                                 f"The period {period} is already closed.")
            today = daybook.open_day_after(business_day(self.clock()), ClosingStore.day_seqs_in(conn))
            if today <= last_day:
                raise BooksError("not_over", f"La période {period} n'est pas terminée.",
                                 f"The period {period} is not over.")
            # every day with activity in the period must be closed
            day_seqs = ClosingStore.day_seqs_in(conn)
            open_days = sorted({daybook.assigned_day(d, s, day_seqs) for d, s in conn.execute(
                "SELECT business_day, seq FROM ledger WHERE business_day LIKE ? AND kind IN (?, ?)",
                (period + "%", *_OPENINGS))} - set(day_seqs))
            open_days = [d for d in open_days if d.startswith(period)]
            if open_days:
                raise BooksError("days_open", f"Journées non clôturées : {', '.join(open_days)}.",
                                 f"Days not closed: {', '.join(open_days)}.")
            children = [c for c in ClosingStore.all_in(conn, child_kind) if c.period.startswith(period)]
            totals = daybook.empty_totals()
            for child in children:
                totals = daybook.add_totals(totals, {k: v for k, v in child.totals.items()
                                                     if k != "perpetual_total_cents"})
            extra = {"closings": [[c.kind, c.period, c.ledger_seq, c.hash] for c in children]}
            return self._write_closing(conn, kind, period, last_day.isoformat(), totals, extra)

    def close_month(self, month: str) -> Closing:
        """Close a month (``YYYY-MM``) from its day closings, once it is over."""
        first = date.fromisoformat(month + "-01")
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return self._close_group("month", month, "day", last)

    def close_year(self, year: str | int) -> Closing:
        """Close a year from its month closings, once it is over."""
        return self._close_group("year", str(year), "month", date(int(year), 12, 31))

    # --- archive --------------------------------------------------------------------------------------

    def export_archive(self, date_from: date | str, date_to: date | str, path: Path | str) -> dict[str, Any]:
        """Write the signed archive of the entries of business days [from, to] (a contiguous seq range, so the
        chain verifies), then an ARCHIVE_EXPORT entry naming it. Returns the manifest summary."""
        from ..reports.archive import build_archive

        lo, hi = str(date_from), str(date_to)
        if hi < lo:
            raise BooksError("bad_range", "La date de fin précède la date de début.",
                             "The end date is before the start.")
        with self.db.reading() as conn:
            first, last = conn.execute("SELECT MIN(seq), MAX(seq) FROM ledger WHERE business_day BETWEEN ? AND ?",
                                       (lo, hi)).fetchone()
            entries = [] if first is None else [_row_to_entry(r) for r in conn.execute(
                f"{_SELECT} WHERE seq BETWEEN ? AND ? ORDER BY seq", (first, last))]
            closings = [c for c in ClosingStore.all_in(conn) if first is not None and first <= c.ledger_seq <= last]
        header = {"till_id": self.till_id, "shop": self.shop, "siret": self.siret, "from": lo, "to": hi,
                  "exported_utc": to_utc_text(self.clock())}
        summary = build_archive(path, header, entries,
                                [{"kind": c.kind, "period": c.period, "ledger_seq": c.ledger_seq,
                                  "created_utc": c.created_utc, "totals": c.totals, "hash": c.hash}
                                 for c in closings], load_or_create_key(self.home))
        now = self.clock()
        entry = LedgerEntry(seq=0, ts_utc=to_utc_text(now), business_day=self.open_business_day(now).isoformat(),
                            kind=EntryKind.ARCHIVE_EXPORT, till_id=self.ledger_till_id, cashier=self.cashier,
                            data={"from": lo, "to": hi, "file": Path(path).name, **summary})
        self.ledger.append(entry)
        return summary

    # --- reconciliation -------------------------------------------------------------------------------

    def reconcile(self, day: date | str, api_client: Any) -> Reconciliation:
        """Compare the day's lines with the server's ``/ledger?date=`` (``api_client.ledger(day)`` or a callable)."""
        the_day = str(day)
        fetch: Callable[[str], dict[str, Any]] = getattr(api_client, "ledger", api_client)
        server = fetch(the_day)
        return reconcile_lines(the_day, self.day_lines(the_day), server)

    # --- reports --------------------------------------------------------------------------------------

    def day_report(self, day: date | str, lang: str = "fr", api_client: Any = None) -> DayReport:
        """The day's report model. A closed day shows its state as of its closing (never changes)."""
        the_day = str(day)
        closing = self.closings.get("day", the_day)
        lines = self.day_lines(the_day, closing.ledger_seq if closing else None)
        totals = closing.totals if closing else daybook.totals(lines)
        changed: list[VoucherLine] = []
        if closing:
            # shown apart, for information: the closed figures never change
            closed_status = {x.seq: x.status for x in lines}
            changed = [x for x in self.day_lines(the_day) if closed_status.get(x.seq, x.status) != x.status]
        recon = self.reconcile(the_day, api_client) if api_client is not None else None
        campaigns = sorted({x.campaign_id for x in lines if x.campaign_id})
        return DayReport(the_day, self.shop, self.siret, self.till_id, campaigns, to_utc_text(self.clock()),
                         sorted(lines, key=lambda x: x.seq), totals, closing, recon, self.key_fingerprint(),
                         changed)

    def month_report(self, month: str) -> MonthReport:
        """Per-day totals of a month and their sum (closed days as closed)."""
        first = date.fromisoformat(month + "-01")
        days: list[tuple[str, dict[str, Any], Closing | None]] = []
        total = daybook.empty_totals()
        d = first
        while d.month == first.month:
            closing = self.closings.get("day", d.isoformat())
            if closing:
                t = {k: v for k, v in closing.totals.items() if k != "perpetual_total_cents"}
            else:
                lines = self.day_lines(d)
                t = daybook.totals(lines) if lines else {}
            if t and (t["redemption"]["count"] or t["sale"]["count"] or closing):
                days.append((d.isoformat(), t, closing))
                total = daybook.add_totals(total, t)
            d += timedelta(days=1)
        return MonthReport(month, self.shop, self.siret, self.till_id, to_utc_text(self.clock()), days, total,
                           self.closings.get("month", month), self.key_fingerprint())


def check_closings(db: Database) -> list[str]:
    """Each closings row must match its CLOSING ledger entry (kind, period, totals), and each CLOSING entry
    must have its row: the chain guards the entries, this guards the table readers use."""
    problems: list[str] = []
    with db.reading() as conn:
        rows = ClosingStore.all_in(conn)
        entries = {e.seq: e for e in (_row_to_entry(r, lenient=True) for r in conn.execute(
            f"{_SELECT} WHERE kind = ? ORDER BY seq", (EntryKind.CLOSING.value,)))}
    for c in rows:
        e = entries.pop(c.ledger_seq, None)
        if e is None or not isinstance(e.data, dict):
            problems.append(f"closing {c.kind} {c.period} points at entry {c.ledger_seq}, which is not a closing")
        elif (e.data.get("closing_kind"), e.data.get("period"), e.data.get("totals")) != (c.kind, c.period, c.totals):
            problems.append(f"closing {c.kind} {c.period} differs from its ledger entry {c.ledger_seq}")
    problems += [f"entry {seq} is a closing with no row in the closings table" for seq in sorted(entries)]
    return problems


def reconcile_lines(day: str, lines: list[VoucherLine], server: dict[str, Any]) -> Reconciliation:
    """Pure comparison of till lines with a /ledger answer (see docs/books.md for the four kinds)."""
    acts = server.get("activities", [])
    opens = {a.get("idempotency_key"): a for a in acts if a.get("kind") in ("redeem", "activate")}
    voided_ids = {a.get("ref_id") for a in acts if a.get("kind") in ("void", "sale_void")}
    items: list[ReconItem] = []
    seen: set[str] = set()
    for line in sorted(lines, key=lambda x: x.seq):
        st = line.status
        if st == daybook.REJECTED:
            continue
        act = opens.get(line.idempotency_key)
        base = dict(serial=line.voucher, campaign_id=line.campaign_id, amount_cents=line.amount_cents,
                    what=line.kind, line_seq=line.seq)
        if act is None:
            if st == daybook.CONFLICT:
                items.append(ReconItem("conflict", note=line.verdict or "refused", **base))
            elif st == daybook.PENDING:
                items.append(ReconItem("only_here", note="not_synced", **base))
            else:
                items.append(ReconItem("only_here", note="missing_on_server", **base))
            continue
        seen.add(line.idempotency_key)
        server_voided = act.get("id") in voided_ids
        if st == daybook.CONFLICT:
            items.append(ReconItem("conflict", note=line.verdict or "refused", server_id=act.get("id"), **base))
        elif act.get("amount_cents") != line.amount_cents:
            items.append(ReconItem("conflict", note="amount_differs", server_id=act.get("id"), **base))
        elif server_voided != (st == daybook.VOIDED):
            items.append(ReconItem("conflict", note="void_differs", server_id=act.get("id"), **base))
        else:
            items.append(ReconItem("matched", note="confirmed_on_server" if st == daybook.PENDING else "",
                                   server_id=act.get("id"), terminal=str(act.get("terminal", "")), **base))
    for key, act in opens.items():
        if key in seen:
            continue
        items.append(ReconItem("only_server", serial=str(act.get("serial", "")),
                               campaign_id=str(act.get("campaign_id", "")),
                               amount_cents=int(act.get("amount_cents", 0)),
                               what="redemption" if act.get("kind") == "redeem" else "sale",
                               note="voided" if act.get("id") in voided_ids else "", server_id=act.get("id"),
                               terminal=str(act.get("terminal", ""))))
    return Reconciliation(day, items, dict(server.get("totals", {})))


def http_ledger_fetcher(server_url: str, token: str, timeout: float = 10.0) -> Callable[[str], dict[str, Any]]:
    """A minimal /ledger fetcher (requests) for the CLI when no api client is at hand."""
    import requests

    def fetch(day: str) -> dict[str, Any]:
        resp = requests.get(server_url.rstrip("/") + "/api/v1/ledger", params={"date": day},
                            headers={"Authorization": f"Bearer {token}"}, timeout=timeout)
        resp.raise_for_status()
        return resp.json()

    return fetch


def canonical_json(obj: Any) -> bytes:
    """Sorted-key compact UTF-8 JSON (what the archive signs)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
