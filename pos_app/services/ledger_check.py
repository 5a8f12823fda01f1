"""The till's ledger checked against itself and against the central API's copy of its chain.

At every sync the till uploads the link (seq, prev_hash, hash) of each entry since the head the server acknowledged
last; the server refuses a head that does not extend what it acknowledged (``LEDGER_REFUSALS``) and flags the till.
``verify_local`` checks the SQLite file (``PRAGMA integrity_check``), the chain, that every redemption and sale has the
outbox row written with it; ``compare_with_server`` every link against the server's and the rest of the
chain with the server's rules (nothing acknowledged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voucher_core.timeutil import to_utc_text

from ..api.errors import ClientError, Refusal
from .context import TillContext

LEDGER_REFUSALS = ("ledger_chain_broken", "ledger_head_regressed", "ledger_entry_unknown", "ledger_broken_on_till")
PAGE = 5000


@dataclass(frozen=True, slots=True)
class LedgerVerdict:
    """``ok`` or the first bad entry ``bad_seq`` with a reason (English, for the CLI); ``against_server`` says
    whether the central API's copy was compared too."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""
    against_server: bool = False


def send_head(till: TillContext, budget: Callable[[float], float]) -> int | None:
    """Upload the links since the acknowledged head, page by page; the acknowledged seq, or None (empty ledger).

    The whole file is verified first (:func:`verify_local`); a broken chain is reported to the server, which
    flags the till. A refusal (:data:`LEDGER_REFUSALS`) is raised as :class:`Refusal`: the sync reports it as an
    error.
    """
    seq, hash_ = till.ledger.head()
    if seq == 0:
        return None
    local = verify_local(till)
    if not local.ok:
        # An entry edited without its hash recomputed leaves every link as the server knows it: say so there.
        till.api.post_ledger_head(seq, hash_, [], broken_at=local.bad_seq or 0, budget=budget(30))
    ack = till.ledger.acknowledged_head()
    after = ack[0] if ack and ack[0] <= seq else 0
    while after < seq:
        links = till.ledger.links_after(after, PAGE)
        if not links:
            break
        last = links[-1]
        try:
            answer = till.api.post_ledger_head(last["seq"], last["hash"], links, budget=budget(30))
        except ClientError as exc:
            if exc.code != "ledger_links_missing" or after == 0:
                raise
            after = 0  # the server holds less than this till's acks say (a new or restored server): from entry 1
            continue
        after = int(answer["seq"])
        till.ledger.record_ack(after, answer["hash"], answer.get("acknowledged_at") or to_utc_text(till.clock()))
    return after


def verify_local(till: TillContext) -> LedgerVerdict:
    """The file, the chain and the outbox rows, without the network."""
    problem = till.db.integrity_problem()
    head_seq, head_hash = till.ledger.head()
    if problem:
        return LedgerVerdict(False, 0, head_seq, head_hash, 0, f"the SQLite file is damaged: {problem}")
    report = till.ledger.verify()
    if not report.ok:
        return LedgerVerdict(False, report.checked, report.head_seq, report.head_hash, report.bad_seq, report.reason)
    if till.configured:  # a configured till writes each redemption and sale with its outbox row
        unbacked = till.ledger.unbacked_openings()
        if unbacked:
            return LedgerVerdict(False, report.checked, report.head_seq, report.head_hash, unbacked[0],
                                 f"entry {unbacked[0]} has no outbox record: not written by this till")
    return LedgerVerdict(True, report.checked, report.head_seq, report.head_hash)


def compare_with_server(till: TillContext, local: LedgerVerdict) -> LedgerVerdict:
    """``local`` (an intact chain) compared with the server's copy; raises the API client's errors when the
    server does not answer."""
    bad = _compare_with_server(till, local)
    if bad is not None:
        return bad
    return LedgerVerdict(True, local.checked, local.head_seq, local.head_hash, against_server=True)


def _compare_with_server(till: TillContext, local: LedgerVerdict) -> LedgerVerdict | None:
    after, server_head = 0, 0
    while True:
        page = till.api.ledger_chain(after)
        server_head = int(page["head"]["seq"])
        theirs = page["entries"]
        if not theirs:
            break
        mine = {link["seq"]: link for link in till.ledger.links_after(after, len(theirs) + 1)}
        for link in theirs:
            own = mine.get(link["seq"])
            if own is None and link["seq"] > local.head_seq:
                break  # the tail is gone: said below
            if own is None or (own["prev_hash"], own["hash"]) != (link["prev_hash"], link["hash"]):
                what = "is missing" if own is None else "differs from the copy the server acknowledged"
                return _bad(local, link["seq"], f"entry {link['seq']} {what}")
        after = int(theirs[-1]["seq"])
        if after > local.head_seq:
            break
    if server_head > local.head_seq:
        return _bad(local, local.head_seq + 1,
                    f"entries {local.head_seq + 1}..{server_head} acknowledged by the server are missing")
    rest = till.ledger.links_after(after, PAGE)
    if rest:
        try:
            till.api.post_ledger_head(rest[-1]["seq"], rest[-1]["hash"], rest, check_only=True)
        except Refusal as exc:
            if exc.code not in LEDGER_REFUSALS:
                raise
            seq = int(exc.extra.get("seq") or 0)
            return _bad(local, seq, f"the server refuses it ({exc.code}): {exc.extra.get('reason') or exc.message}")
    return None


def _bad(local: LedgerVerdict, seq: int, reason: str) -> LedgerVerdict:
    return LedgerVerdict(False, local.checked, local.head_seq, local.head_hash, seq, reason, against_server=True)
