"""Telling the central API the days this till closed, so it never books a later operation of this till on them
(see voucher_server.services.business_days). Sent by the sync, oldest first, each once acknowledged."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from ..api.errors import ClientError, Refusal
from ..store.closings import ClosingKind, ClosingStore
from ..store.settings import SettingKey
from .context import TillContext

SETTING = SettingKey.CLOSINGS_REPORTED_SEQ


def report_closings(till: TillContext, budget: Callable[[float], float]) -> int:
    """Post the day closings the server has not acknowledged yet; returns how many were sent. Raises the API's
    errors (the sync pass stops there and tries again next time)."""
    done = int(till.settings.get(SETTING) or 0)
    sent = 0
    for c in ClosingStore(till.db).all(ClosingKind.DAY):
        if c.ledger_seq <= done:
            continue
        # refused for good (another closing of that day is known, an older server): never block the sync on it
        with contextlib.suppress(ClientError, Refusal):
            till.api.post_closing({"day": c.period, "closed_at": c.created_utc, "seq": c.ledger_seq,
                                   "hash": c.hash, "reimbursement_cents": int(c.totals.get("reimbursement_cents", 0)),
                                   "remittance_cents": int(c.totals.get("remittance_cents", 0))})
        till.settings.set(SETTING, c.ledger_seq)
        sent += 1
        budget(1.0)  # stop between posts once the pass's time is spent
    return sent
