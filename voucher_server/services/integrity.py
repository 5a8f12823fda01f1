"""What can be checked of a database on its own, after a restore or an upgrade (``voucher-server verify``).

The activity log is append-only but not hash-chained on the server: what is chained is each till's ledger, whose
links (seq, prev_hash, hash) the server keeps (``ledger_heads``). So this checks that every terminal's stored links
still chain to each other and end at its acknowledged head, and that the log's references hold: every void names a
redemption, every sale void a sale, every voucher's last sale and redemption an activity of that kind.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from voucher_core.ledger import GENESIS_HASH

from ..models import Activity, Terminal, TerminalLedgerEntry, Voucher


class Flaw(StrEnum):
    """What a check found wrong (stable codes)."""

    CHAIN_BROKEN = "chain_broken"  # a link does not follow the one before it
    CHAIN_GAP = "chain_gap"  # a seq is missing between two stored links
    HEAD_MISMATCH = "head_mismatch"  # the acknowledged head is not the stored link at that seq
    LINK_AFTER_HEAD = "link_after_head"  # a link is stored beyond the acknowledged head
    DANGLING_REF = "dangling_ref"  # a void or a voucher names an activity that is not there or not of its kind


WORDS: dict[Flaw, str] = {
    Flaw.CHAIN_BROKEN: "ce maillon ne suit pas le précédent / this link does not follow the one before",
    Flaw.CHAIN_GAP: "des maillons manquent / links are missing",
    Flaw.HEAD_MISMATCH: "la tête acquittée n'est pas le maillon gardé / the acknowledged head is not the stored link",
    Flaw.LINK_AFTER_HEAD: "un maillon est gardé après la tête acquittée / a link is stored after the acknowledged head",
    Flaw.DANGLING_REF: "renvoie à une opération absente ou d'un autre type / names an activity that is missing or "
                       "of another kind",
}


@dataclass(frozen=True, slots=True)
class Problem:
    flaw: Flaw
    where: str  # "terminal 3 seq 12", "activity 41", "voucher 0000...": enough to find the row

    def __str__(self) -> str:
        return f"{self.flaw.value}: {self.where}: {WORDS[self.flaw]}"


@dataclass(slots=True)
class Report:
    terminals: int = 0
    links: int = 0
    activities: int = 0
    vouchers: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain(t: Terminal, links: list[tuple[int, str, str]]) -> list[Problem]:
    """One terminal's links, sorted by seq: (seq, prev_hash, hash)."""
    found: list[Problem] = []
    if links and links[0][0] == 1 and links[0][1] != GENESIS_HASH:
        found.append(Problem(Flaw.CHAIN_BROKEN, f"terminal {t.id} seq 1"))
    for (seq0, _, hash0), (seq1, prev1, _) in itertools.pairwise(links):
        if seq1 != seq0 + 1:
            found.append(Problem(Flaw.CHAIN_GAP, f"terminal {t.id} seq {seq0 + 1}..{seq1 - 1}"))
        elif prev1 != hash0:
            found.append(Problem(Flaw.CHAIN_BROKEN, f"terminal {t.id} seq {seq1}"))
    by_seq = {seq: h for seq, _, h in links}
    if t.ledger_head_seq in by_seq and by_seq[t.ledger_head_seq] != t.ledger_head_hash:
        found.append(Problem(Flaw.HEAD_MISMATCH, f"terminal {t.id} seq {t.ledger_head_seq}"))
    if links and links[-1][0] > t.ledger_head_seq:
        found.append(Problem(Flaw.LINK_AFTER_HEAD, f"terminal {t.id} seq {links[-1][0]}"))
    return found


def check_chains(s: Session, report: Report) -> None:
    for t in s.scalars(select(Terminal).order_by(Terminal.id)):
        rows = s.execute(select(TerminalLedgerEntry.seq, TerminalLedgerEntry.prev_hash, TerminalLedgerEntry.hash)
                         .where(TerminalLedgerEntry.terminal_id == t.id).order_by(TerminalLedgerEntry.seq)).all()
        links = [(int(seq), str(p), str(h)) for seq, p, h in rows]
        report.terminals += 1
        report.links += len(links)
        report.problems.extend(_chain(t, links))


def check_references(s: Session, report: Report) -> None:
    """Voids name a redemption / a sale; vouchers name their last sale and redemption."""
    target = aliased(Activity)
    for kind, of_kind in (("void", "redeem"), ("sale_void", "activate")):
        rows = s.execute(select(Activity.id).outerjoin(target, target.id == Activity.ref_id)
                         .where(Activity.kind == kind)
                         .where((target.id.is_(None)) | (target.kind != of_kind)).order_by(Activity.id)).all()
        report.problems.extend(Problem(Flaw.DANGLING_REF, f"activity {rid} ({kind})") for (rid,) in rows)
    for column, of_kind in ((Voucher.sale_id, "activate"), (Voucher.redemption_id, "redeem")):
        serials = s.scalars(select(Voucher.serial).outerjoin(target, target.id == column).where(column.is_not(None))
                            .where((target.id.is_(None)) | (target.kind != of_kind)).order_by(Voucher.serial)).all()
        report.problems.extend(Problem(Flaw.DANGLING_REF, f"voucher {serial} ({column.key})") for serial in serials)
    report.activities = int(s.scalar(select(func.count()).select_from(Activity)) or 0)
    report.vouchers = int(s.scalar(select(func.count()).select_from(Voucher)) or 0)


def verify(s: Session) -> Report:
    """Every check; ``report.ok`` when nothing is wrong."""
    report = Report()
    check_chains(s, report)
    check_references(s, report)
    return report
