"""Ledger entries: canonical serialisation and the SHA-256 chain (append-only, gap-free, verifiable).

Each entry's hash is SHA-256 over the previous entry's hash followed by the entry's canonical form
(sorted-key compact JSON of every field but the hash). Editing, deleting, inserting or reordering any
entry breaks the chain at that entry; deleting the tail is caught against an acknowledged head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64


class EntryKind(StrEnum):
    """Every event that moves money or trust at the till."""

    REDEMPTION = "redemption"  # written pending, before any network call
    REDEMPTION_CONFIRMED = "redemption_confirmed"
    REDEMPTION_REJECTED = "redemption_rejected"  # refused while online: the voucher was not taken
    REDEMPTION_CONFLICT = "redemption_conflict"  # refused at upload after an offline acceptance
    VOID = "void"
    SALE = "sale"
    SALE_CONFIRMED = "sale_confirmed"
    SALE_REJECTED = "sale_rejected"
    SALE_CONFLICT = "sale_conflict"
    SALE_VOID = "sale_void"
    CLOSING = "closing"
    ARCHIVE_EXPORT = "archive_export"
    CONFIG_CHANGE = "config_change"
    OWNER_SIGN_IN = "owner_sign_in"
    OFFLINE_SWITCH = "offline_switch"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One ledger line. Amounts are integer cents; ``ts_utc`` is canonical UTC text (see core.timeutil)."""

    seq: int
    ts_utc: str
    business_day: str  # YYYY-MM-DD, Paris
    kind: str
    till_id: str
    cashier: str = ""
    voucher: str | None = None  # serial
    campaign_id: str | None = None
    amount_cents: int = 0  # face value
    price_cents: int = 0  # sale price paid (sales)
    topup_cents: int = 0  # funder's top-up (sales)
    mode: str | None = None  # online / offline
    idempotency_key: str | None = None
    ref_seq: int | None = None  # the entry this one confirms, voids or turns into a conflict
    data: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def canonical(self) -> str:
        """Sorted-key compact JSON of every field except ``hash``."""
        body = asdict(self)
        del body["hash"]
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def computed_hash(self) -> str:
        """The hash this entry must carry, given its ``prev_hash`` and content."""
        return hashlib.sha256((self.prev_hash + self.canonical()).encode("utf-8")).hexdigest()

    def sealed(self, seq: int, prev_hash: str) -> LedgerEntry:
        """This entry numbered ``seq`` after ``prev_hash``, with its hash set."""
        entry = replace(self, seq=seq, prev_hash=prev_hash, hash="")
        return replace(entry, hash=entry.computed_hash())


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Outcome of :func:`verify_chain`: ``bad_seq`` names the first bad entry when ``ok`` is false.

    ``bad_seq`` is the first sequence number that fails (missing, out of place, altered, not chained):
    entries 1 .. bad_seq - 1 verified, and ``head_seq``/``head_hash`` are the last of them.
    """

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""


def verify_chain(entries: Iterable[LedgerEntry], acknowledged: tuple[int, str] | None = None,
                 anchor: tuple[int, str] = (1, GENESIS_HASH)) -> ChainReport:
    """Check a ledger read in ``seq`` order.

    ``acknowledged`` is a head (seq, hash) once confirmed elsewhere (by the central API): the chain must
    still contain it, so a deleted tail is caught. ``anchor`` is (first seq, hash before it) for a part of a
    ledger, such as an exported archive.
    """
    expected_seq, prev_hash = anchor
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            # bad_seq is always the first position that cannot be trusted (entries before it verified).
            reason = (f"entry {expected_seq} is missing or out of order (found entry {entry.seq} in its place)"
                      if entry.seq > expected_seq
                      else f"entry {expected_seq} is out of order or duplicated (found entry {entry.seq} in its place)")
            return ChainReport(False, checked, expected_seq - 1, prev_hash, expected_seq, reason)
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, expected_seq - 1, prev_hash, entry.seq,
                               f"entry {entry.seq} does not follow entry {entry.seq - 1} (previous hash differs)")
        if entry.computed_hash() != entry.hash:
            return ChainReport(False, checked, expected_seq - 1, prev_hash, entry.seq,
                               f"entry {entry.seq} was altered (hash differs)")
        if acknowledged and entry.seq == acknowledged[0] and entry.hash != acknowledged[1]:
            return ChainReport(False, checked, expected_seq - 1, prev_hash, entry.seq,
                               f"entry {entry.seq} differs from the head acknowledged by the server")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    head_seq = expected_seq - 1
    if acknowledged and acknowledged[0] > head_seq:
        return ChainReport(False, checked, head_seq, prev_hash, head_seq + 1,
                           f"entries {head_seq + 1}..{acknowledged[0]} acknowledged by the server are missing")
    return ChainReport(True, checked, head_seq, prev_hash)
