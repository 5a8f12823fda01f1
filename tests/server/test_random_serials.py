"""Vouchers issued with random 20-digit serials, next to the 12-digit ones printed before: issuing, look-ups,
redemption and the /changes cursor across both, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import os
import statistics
import uuid

from voucher_core import codes
from voucher_server import admin
from voucher_server.db import Database

from .conftest import Api

P = "/api/v1"


def test_issued_serials_are_random_unique_and_well_formed(api: Api) -> None:
    db = Database(api.db_url)
    try:
        with db.writing() as s:
            first = admin.issue(s, "BOOST24", 1500, secret=os.environ["VOUCHER_SERVER_SECRET"])
        with db.writing() as s:
            second = admin.issue(s, "BOOST24", 500, secret=os.environ["VOUCHER_SERVER_SECRET"])
    finally:
        db.dispose()
    serials = first + second
    assert len(set(serials)) == 2000 and all(len(x) == 20 and codes.is_valid_serial(x) for x in serials)
    # Sequential serials had a median gap of 97 between issued numbers; drawn ones about 10^18 / 2000 / ln 2.
    bodies = sorted(int(x[:18]) for x in serials)
    gaps = [b - a for a, b in itertools.pairwise(bodies)]
    assert statistics.median(gaps) > 10**14
    issued_after = [abs(int(b[:18]) - int(a[:18])) for a, b in itertools.pairwise(first)]
    assert statistics.median(issued_after) > 10**16  # one issued after another: no relation at all


def test_old_12_digit_vouchers_keep_working(api: Api) -> None:
    old = [v for v in api.seed["vouchers"] if len(v["serial"]) == 12]
    new = api.vouchers()
    assert old and new and all(len(v["serial"]) == 20 for v in new)
    t = api.token()
    assert api.client.get(f"{P}/vouchers/{old[0]['serial']}", headers=api.h(t)).json()["verdict"] == "expired"
    v = new[0]
    grouped = codes.format_serial(v["serial"])
    ok = api.client.post(f"{P}/vouchers/{v['serial']}/redeem", headers=api.h(t),
                         json={"idempotency_key": uuid.uuid4().hex})
    assert ok.status_code == 200 and ok.json()["serial"] == v["serial"], ok.text
    assert codes.parse_code(grouped).serial == v["serial"]


def test_changes_cursor_pages_through_both_serial_lengths(api: Api) -> None:
    """Small pages over a feed where one change number holds 12- and 20-digit serials: each voucher exactly once."""
    t = api.token()
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        page = api.client.get(f"{P}/changes", params=params, headers=api.h(t)).json()
        seen += [c["serial"] for c in page["changes"]]
        assert len(page["next_cursor"]) <= 32
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert len(seen) == len(set(seen)) == len(api.seed["vouchers"])
    assert {len(x) for x in seen} == {12, 20}
    bad_serial = str(5 * 10**21 + 10**20 + 90721846553029184782)  # check digits wrong: never handed out
    for forged in (str(10**12 * 3 + 426995), "9" * 32, bad_serial):
        # a cursor of the layout before 20-digit serials, or one never handed out: refused, the till starts over
        bad = api.client.get(f"{P}/changes", params={"cursor": forged}, headers=api.h(t))
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request", forged
