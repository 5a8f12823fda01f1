"""Scoped look-ups (a terminal outside a voucher's campaign learns nothing) and bursts of unknown numbers (rate
limited harder, counted for the operator), on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from voucher_core.codes import make_serial
from voucher_server.db import Database
from voucher_server.services.lookups import UNKNOWN_BURST, unknown_lookups
from voucher_server.testing import REPO

from .conftest import Api

P = "/api/v1"


def test_outside_terminal_learns_nothing(api: Api) -> None:
    outside = api.h(api.token(in_campaign=False))  # Garage Dupuis: PRINTEMPS only
    member = api.h(api.token())
    active, spent = api.vouchers()[0]["serial"], api.vouchers()[1]["serial"]
    assert api.client.post(f"{P}/vouchers/{spent}/redeem", headers=member,
                           json={"idempotency_key": "scope-spent-1"}).status_code == 200
    nobody = make_serial(987654)
    unknown_get = api.client.get(f"{P}/vouchers/{nobody}", headers=outside)
    assert (unknown_get.status_code, unknown_get.json()["error"]["code"]) == (404, "unknown")
    for serial in (active, spent, api.vouchers()[0]["code"]):
        r = api.client.get(f"{P}/vouchers/{serial}", headers=outside)
        assert (r.status_code, r.json()) == (404, unknown_get.json()), serial
    unknown_redeem = api.client.post(f"{P}/vouchers/{nobody}/redeem", headers=outside,
                                     json={"idempotency_key": "scope-none-1"})
    for i, serial in enumerate((active, spent)):
        r = api.client.post(f"{P}/vouchers/{serial}/redeem", headers=outside, json={"idempotency_key": f"scope-{i}-1"})
        assert (r.status_code, r.json()) == (404, unknown_redeem.json()), serial
    # The campaign's own shop still sees it, and it was not redeemed by the outsider.
    r = api.client.get(f"{P}/vouchers/{active}", headers=member)
    assert r.status_code == 200 and r.json()["state"] == "active"
    sale = api.client.post(f"{P}/vouchers/{api.vouchers('issued')[0]['serial']}/activate", headers=outside,
                           json={"idempotency_key": "scope-sale-1", "sale_price_cents": 1000})
    assert sale.status_code == 403  # not a seller at all


def test_burst_of_unknown_numbers_is_limited_and_counted(api: Api) -> None:
    guesser, other = api.h(api.token(index=1)), api.h(api.token(index=2))
    burst = int(UNKNOWN_BURST)
    codes = [api.client.get(f"{P}/vouchers/{make_serial(900000 + i)}", headers=guesser).status_code
             for i in range(burst + 3)]
    assert codes == [404] * burst + [429] * 3
    r = api.client.post(f"{P}/vouchers/{api.vouchers()[3]['serial']}/redeem", headers=guesser,
                        json={"idempotency_key": "burst-good-1"})
    assert (r.status_code, r.json()["error"]["code"]) == (429, "rate_limited") and "Retry-After" in r.headers
    assert api.client.get(f"{P}/vouchers/{api.vouchers()[3]['serial']}", headers=other).status_code == 200
    db = Database(api.db_url)
    try:
        lines = unknown_lookups(db, date.today() - timedelta(days=1))
    finally:
        db.dispose()
    assert [(ln.count, ln.refused >= 1) for ln in lines] == [(burst, True)]
    out = subprocess.run([sys.executable, "-m", "voucher_server.cli", "unknown-lookups", "--db", api.db_url],
                         cwd=str(REPO), capture_output=True, text=True, timeout=120, check=True).stdout
    assert f"{burst} unknown numbers" in out and lines[0].terminal_name in out
