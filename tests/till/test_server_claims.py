"""The central API refuses an offline claim the operator's policy does not allow: the till books it as a conflict
(never deleted, never re-sent) and its reports say why in words."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from pos_app.reports.explain import conflict_words
from voucher_core.verdicts import Mode, Verdict
from voucher_server.testing import LiveServer

from .conftest import Vouchers, open_till


def test_offline_redemption_refused_by_the_server_policy_is_a_conflict(tmp_path: Path) -> None:
    with LiveServer() as srv:
        token = srv.token("merchant", 1)
        till = open_till(tmp_path / "a", srv, token)
        voucher = Vouchers(srv.seed).take()
        srv.stop()
        try:
            out = till.redemptions.redeem(voucher["code"])
            assert out.verdict.verdict is Verdict.ACCEPTED and out.verdict.mode is Mode.OFFLINE
            # Meanwhile the operator forbids offline use for this till (what the console's policy page does).
            with sqlite3.connect(srv.db_url.removeprefix("sqlite:///")) as db:
                db.execute("UPDATE terminals SET offline_allowed = 0 WHERE token_hash = ?",
                           (hashlib.sha256(token.encode()).hexdigest(),))
        finally:
            srv.start()
        till.network.last_failure = None
        report = till.sync.sync_once()
        assert report.conflicts == 1, report
        conflict = next(e for e in till.ledger.entries() if e.kind == "redemption_conflict")
        assert conflict.data["verdict"] == "offline_not_allowed"
        assert [r.state for r in till.outbox.all() if r.kind == "redeem"] == ["conflict"]
        assert till.sync.sync_once().conflicts == 0  # booked once, never re-sent
        assert conflict_words("offline_not_allowed") == ("Hors ligne non autorisé pour cette caisse : "
                                                         "non remboursable")
        till.close()
