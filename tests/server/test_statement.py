"""One business day per operation (sent by the till, checked, stored) and the shop statement (service, API, CLI)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from voucher_core.timeutil import business_day, to_utc_text, utc_now
from voucher_server.db import Database
from voucher_server.models import Voucher
from voucher_server.services.statement import shop_statement

from .conftest import Api

P = "/api/v1"
REPO = Path(__file__).resolve().parents[2]


def redeem(api: Api, token: str, serial: str, key: str, **extra):
    body = {"idempotency_key": key, "client_time": to_utc_text(utc_now()), **extra}
    return api.client.post(f"{P}/vouchers/{serial}/redeem", headers=api.h(token), json=body)


def test_business_day_sent_checked_and_used_by_the_ledger(api: Api) -> None:
    t = api.token()
    today = business_day(utc_now())
    tomorrow, far = today + timedelta(days=1), today + timedelta(days=3)
    a, b, c, d = api.vouchers()[40:44]
    # the till closed today: what it writes from now on is booked tomorrow, and the server agrees
    closed = api.client.post(f"{P}/terminals/me/closings", headers=api.h(t), json={
        "day": today.isoformat(), "closed_at": to_utc_text(utc_now() - timedelta(seconds=5)), "seq": 10,
        "hash": "a" * 64, "reimbursement_cents": 0, "remittance_cents": 0})
    assert closed.status_code == 200, closed.text
    ok = redeem(api, t, a["serial"], "bday-ok-0001", business_day=tomorrow.isoformat())
    assert ok.status_code == 200, ok.text
    # written after the closing yet booked on the closed day: refused
    late = redeem(api, t, b["serial"], "bday-late-001", business_day=today.isoformat())
    assert (late.status_code, late.json()["error"]["code"]) == (409, "business_day_closed")
    # written before the closing (an offline redemption uploaded now): its day stands. The seed sold the voucher
    # seconds ago; a claim dated before its sale would be refused (test_claims.py): sold an hour ago here.
    db = Database(api.db_url)
    with db.writing() as s:
        s.execute(update(Voucher).where(Voucher.serial == c["serial"]).values(sold_at=utc_now() - timedelta(hours=1)))
    db.dispose()
    before = redeem(api, t, c["serial"], "bday-before-1", business_day=today.isoformat(), offline=True,
                    client_time=to_utc_text(utc_now() - timedelta(minutes=5)))
    assert before.status_code == 200, before.text
    far_off = redeem(api, t, d["serial"], "bday-far-0001", business_day=far.isoformat())
    assert (far_off.status_code, far_off.json()["error"]["code"]) == (422, "business_day_out_of_range")
    # another closing of the same day is refused; the same one again is fine
    again = api.client.post(f"{P}/terminals/me/closings", headers=api.h(t), json={
        "day": today.isoformat(), "closed_at": to_utc_text(utc_now()), "seq": 11, "hash": "b" * 64,
        "reimbursement_cents": 0, "remittance_cents": 0})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "closing_differs")
    # /ledger is by business day: the redemption booked tomorrow is in tomorrow's ledger, not today's
    day_of = {}
    for day in (today, tomorrow):
        acts = api.client.get(f"{P}/ledger", params={"date": day.isoformat()}, headers=api.h(t)).json()["activities"]
        day_of.update({x["serial"]: x["business_day"] for x in acts if x["kind"] == "redeem"})
    assert day_of[a["serial"]] == tomorrow.isoformat() and day_of[c["serial"]] == today.isoformat()


def test_statement_service_api_and_cli(api: Api, tmp_path: Path) -> None:
    t1, t2, other_shop = api.token(), api.token(index=1), api.token(index=2)
    seller = api.token("seller")
    today = business_day(utc_now())
    vs = api.vouchers()[60:66]
    for i, v in enumerate(vs[:3]):
        assert redeem(api, t1 if i < 2 else t2, v["serial"], f"stmt-red-{i:04d}").status_code == 200
    assert redeem(api, other_shop, vs[3]["serial"], "stmt-oth-0001").status_code == 200
    rid = redeem(api, t1, vs[4]["serial"], "stmt-void-001").json()["redemption_id"]
    assert api.client.post(f"{P}/redemptions/{rid}/void", headers=api.h(t1),
                           json={"idempotency_key": "stmt-void-002"}).status_code == 200
    issued = api.vouchers("issued")[0]
    assert api.client.post(f"{P}/vouchers/{issued['serial']}/activate", headers=api.h(seller),
                           json={"idempotency_key": "stmt-sale-001", "sale_price_cents": 1000}).status_code == 200
    mine = api.client.get(f"{P}/me", headers=api.h(t1)).json()["merchant"]["id"]
    db = Database(api.db_url)
    try:
        with db.reading() as s:
            st = shop_statement(s, mine, today, today)
    finally:
        db.dispose()
    red = [x for x in st["lines"] if x["kind"] == "redeem"]
    assert {x["serial"] for x in red} >= {v["serial"] for v in vs[:3]} | {vs[4]["serial"]}
    assert vs[3]["serial"] not in {x["serial"] for x in st["lines"]}  # another shop's redemption
    assert st["reimbursement_cents"] == sum(x["owed_cents"] for x in red)
    assert st["by_status"]["redemption"]["voided"]["count"] >= 1
    assert sum(d["reimbursement_cents"] for d in st["by_day"]) == st["reimbursement_cents"]
    assert sum(t["reimbursement_cents"] for t in st["tills"]) == st["reimbursement_cents"]
    assert sum(c["reimbursement_cents"] for c in st["by_campaign"].values()) == st["reimbursement_cents"]
    # the API answers the same for the shop's own terminal, and only its own shop
    got = api.client.get(f"{P}/statement", params={"from": today.isoformat(), "to": today.isoformat()},
                         headers=api.h(t2)).json()
    assert got["reimbursement_cents"] == st["reimbursement_cents"] and got["merchant"]["id"] == mine
    theirs = api.client.get(f"{P}/statement", params={"from": today.isoformat(), "to": today.isoformat()},
                            headers=api.h(other_shop)).json()
    assert theirs["merchant"]["id"] != mine and {x["serial"] for x in theirs["lines"]} == {vs[3]["serial"]}
    sold = api.client.get(f"{P}/statement", params={"from": today.isoformat(), "to": today.isoformat()},
                          headers=api.h(seller)).json()
    assert sold["remittance_cents"] >= 1000 and sold["by_status"]["sale"]["confirmed"]["topup_cents"] >= 200
    bad = api.client.get(f"{P}/statement", params={"from": "2026-12-02", "to": "2026-12-01"}, headers=api.h(t1))
    assert bad.status_code == 422
    # the CLI: JSON, PDF (fpdf2) and CSV
    env = dict(os.environ, VOUCHER_SERVER_SECRET="x")
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", "statement", "--db", api.db_url, "--merchant",
                          mine, "--from", today.isoformat(), "--to", today.isoformat(), "--json", "--pdf",
                          str(tmp_path / "s.pdf"), "--csv", str(tmp_path / "s.csv")], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["reimbursement_cents"] == st["reimbursement_cents"]
    assert (tmp_path / "s.pdf").read_bytes()[:5] == b"%PDF-"
    words = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Relevé du commerce" in words and "Dû au commerce par l'opérateur" in words
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig")), delimiter=";"))
    assert rows[-1]["type"] == "total" and rows[0]["serie"].startswith('="')
    assert {r["statut"] for r in rows[:-1]} <= {"confirmé", "annulé"}
    assert {r["code_statut"] for r in rows[:-1]} <= {"confirmed", "voided"}
