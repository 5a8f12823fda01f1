"""Reconciliation of a business day against the real central API's /ledger (LiveServer on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from pos_app.api.client import ApiClient
from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.books import Books
from pos_app.store import open_home
from voucher_core.ledger import EntryKind
from voucher_core.timeutil import business_day, parse_utc_text, utc_now

from .conftest import Writer


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    from voucher_server.testing import LiveServer

    srv = LiveServer()
    srv.start()
    yield srv
    srv.stop()


def api(srv: Any, token: str, method: str, path: str, **body: Any) -> requests.Response:
    return requests.request(method, f"{srv.url}/api/v1{path}", json=body or None,
                            headers={"Authorization": f"Bearer {token}"}, timeout=15)


def test_each_discrepancy_kind(server: Any, tmp_path: Path) -> None:
    tok1, tok2 = server.token("merchant", 0), server.token("merchant", 1)  # Caisse 1 and 2 of one shop
    active = [v["serial"] for v in server.seed["vouchers"] if v["state"] == "active" and v["campaign"] == "BOOST24"]
    v_ok, v_void, v_here, v_other, v_conflict = active[:5]
    db = open_home(tmp_path / "till")
    books = Books(db, tmp_path / "till", clock=utc_now, till_id="Caisse 1", shop="Boulangerie Martin")
    w = Writer(db, books, "Caisse 1")
    E = EntryKind

    def redeem_online(serial: str, key: str, offline: bool = False, at: datetime | None = None) -> Any:
        at = at or datetime.now(UTC)
        entry = w.redeem(serial, at, key=key, mode="offline" if offline else "online")
        resp = api(server, tok1, "POST", f"/vouchers/{serial}/redeem", idempotency_key=key,
                   client_time=at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), offline=offline)
        return entry, resp

    # matched
    e_ok, r = redeem_online(v_ok, "recon-ok-000001")
    assert r.status_code == 200, r.text
    w.follow(E.REDEMPTION_CONFIRMED, e_ok, datetime.now(UTC), {"redemption_id": r.json()["redemption_id"],
                                                               "redeemed_at": r.json()["redeemed_at"]})
    day = business_day(parse_utc_text(r.json()["redeemed_at"])).isoformat()
    # matched, voided on both sides
    e_void, r = redeem_online(v_void, "recon-void-00001")
    assert r.status_code == 200, r.text
    rid = r.json()["redemption_id"]
    w.follow(E.REDEMPTION_CONFIRMED, e_void, datetime.now(UTC), {"redemption_id": rid})
    assert api(server, tok1, "POST", f"/redemptions/{rid}/void", idempotency_key="recon-void-00002").status_code == 200
    w.follow(E.VOID, e_void, datetime.now(UTC))
    # only here: accepted offline, still in the outbox
    w.redeem(v_here, datetime.now(UTC), key="recon-here-00001", mode="offline")
    # only on the server: the shop's other till
    r = api(server, tok2, "POST", f"/vouchers/{v_other}/redeem", idempotency_key="recon-other-0001",
            client_time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), offline=False)
    assert r.status_code == 200, r.text
    # conflict: the other till took it online first; ours accepted it offline and is refused at upload
    r = api(server, tok2, "POST", f"/vouchers/{v_conflict}/redeem", idempotency_key="recon-other-0002",
            client_time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), offline=False)
    assert r.status_code == 200, r.text
    e_conf, r = redeem_online(v_conflict, "recon-conf-00001", offline=True)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_redeemed", r.text
    err = r.json()["error"]
    w.follow(E.REDEMPTION_CONFLICT, e_conf, datetime.now(UTC),
             {"verdict": err["code"], "redeemed_at": err.get("redeemed_at"), "redeemed_by": err.get("redeemed_by")})

    recon = books.reconcile(day, ApiClient(server.url, MemoryTokenProvider(tok1)))
    assert recon.counts() == {"matched": 2, "only_here": 1, "only_server": 2, "conflict": 1}
    by_serial = {(i.kind, i.serial) for i in recon.items}
    assert {("matched", v_ok), ("matched", v_void), ("only_here", v_here), ("only_server", v_other),
            ("only_server", v_conflict), ("conflict", v_conflict)} == by_serial
    assert {i.terminal for i in recon.of("only_server")} == {"Caisse 2"}
    # what the operator owes this till: the confirmed, not voided face value
    report = books.day_report(day, api_client=ApiClient(server.url, MemoryTokenProvider(tok1)))
    assert report.totals["owed_by_operator_cents"] == 1200
    assert recon.server_totals["net_redeemed_cents"] == 3 * 1200  # ok + other + conflict's first taker
    from pos_app.reports.html import report_html

    html = report_html(report)
    assert "seulement sur le serveur" in html and v_other in html and "already_redeemed" not in html
    assert "déjà encaissé par Boulangerie Martin le " in html and " : non remboursable" in html
    # the shop-wide statement from the server, till by till
    assert report.shop_statement is not None and report.shop_statement["reimbursement_cents"] == 3 * 1200
    assert "Relevé du commerce (serveur central)" in html and "Total dû au commerce (toutes caisses)" in html
    db.close()
