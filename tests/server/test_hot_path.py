"""The redemption hot path (one conditional write first, read-and-judge after) and the change feed's order, on
SQLite and PostgreSQL: the cases where the shortcut must not decide, and changes committed out of order."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from alembic import command
from sqlalchemy import text

from voucher_core.timeutil import business_day, parse_utc_text, utc_now
from voucher_server import admin
from voucher_server.app import CampaignCache
from voucher_server.db import Database, alembic_config

from .conftest import Api

P = "/api/v1"
SECRET = os.environ["VOUCHER_SERVER_SECRET"]


def redeem(api: Api, token: str, code: str, key: str) -> Any:
    return api.client.post(f"{P}/vouchers/{code}/redeem", headers=api.h(token), json={"idempotency_key": key})


def token_of(api: Api, merchant_id: str) -> str:
    return next(t["token"] for t in api.seed["terminals"] if t["merchant_id"] == merchant_id)


def add_campaign(db_url: str, campaign_id: str, merchants: list[str], count: int) -> list[dict[str, str]]:
    """A second live campaign (20 € for 15 €) with ``count`` active vouchers: serials and signed codes."""
    db = Database(db_url)
    today = utc_now().date()
    with db.writing() as s:
        admin.create_campaign(s, campaign_id, "Noël", 2000, 1500, today - timedelta(days=1), today + timedelta(days=30),
                              SECRET, merchant_ids=merchants, seller_ids=["M0004"])
        serials = admin.issue(s, campaign_id, count, secret=SECRET)
        admin.activate_batch(s, serials, "M0004", None)
    with db.reading() as s:
        from voucher_server.models import Voucher

        out = [{"serial": v.serial, "code": v.code} for v in s.query(Voucher).filter(Voucher.serial.in_(serials))]
    db.dispose()
    return sorted(out, key=lambda v: v["serial"])


def test_merchant_in_two_campaigns_and_voucher_from_a_campaign_not_taken_here(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CampaignCache, "TTL", 0.0)  # see the new campaign at once instead of within 2 s
    noel = add_campaign(api.db_url, "NOEL", ["M0001"], 3)
    boost = api.vouchers()[:2]
    both, boost_only = token_of(api, "M0001"), token_of(api, "M0002")
    # M0001 takes both campaigns: no single campaign to try first, so each voucher is read and judged.
    r = redeem(api, both, noel[0]["serial"], "two-camp-1")
    assert r.status_code == 200 and (r.json()["campaign_id"], r.json()["amount_cents"]) == ("NOEL", 2000)
    r = redeem(api, both, boost[0]["serial"], "two-camp-2")
    assert r.status_code == 200 and (r.json()["campaign_id"], r.json()["amount_cents"]) == ("BOOST24", 1200)
    # A signed code names its campaign: tried first in that campaign.
    r = redeem(api, both, noel[1]["code"], "two-camp-3")
    assert r.status_code == 200 and (r.json()["campaign_id"], r.json()["amount_cents"]) == ("NOEL", 2000)
    # M0002 takes BOOST24 only: the shortcut tries BOOST24, writes nothing, and the judged answer is a refusal
    # that tells nothing about a voucher of a campaign M0002 is not in.
    for code in (noel[2]["serial"], noel[2]["code"]):
        r = redeem(api, boost_only, code, f"not-here-{len(code)}")
        assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown")
    looked = api.client.get(f"{P}/vouchers/{noel[2]['serial']}", headers=api.h(both)).json()
    assert looked["state"] == "active" and looked["verdict"] == "accepted"
    assert redeem(api, boost_only, boost[1]["serial"], "boost-only-1").status_code == 200


def test_key_reused_on_an_active_voucher_writes_nothing(api: Api) -> None:
    """The shortcut's write for the second voucher fails on the stored key and must leave that voucher active."""
    a, b = api.vouchers()[10:12]
    t = api.token()
    first = redeem(api, t, a["code"], "reuse-hot-1")
    assert first.status_code == 200
    r = redeem(api, t, b["code"], "reuse-hot-1")
    assert (r.status_code, r.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert api.client.get(f"{P}/vouchers/{b['serial']}", headers=api.h(t)).json()["state"] == "active"
    # the ledger is by Paris business day: between 22:00 and midnight UTC that is the next UTC date
    day = business_day(parse_utc_text(first.json()["redeemed_at"])).isoformat()
    ledger = api.client.get(f"{P}/ledger", params={"date": day}, headers=api.h(t))
    assert [x["serial"] for x in ledger.json()["activities"] if x["kind"] == "redeem"] == [a["serial"]]


def pages(api: Api, token: str, cursor: str | None, limit: int = 5000) -> tuple[list[dict[str, Any]], str]:
    out: list[dict[str, Any]] = []
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = api.client.get(f"{P}/changes", params=params, headers=api.h(token)).json()
        out += page["changes"]
        assert cursor is None or int(page["next_cursor"]) >= int(cursor)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return out, cursor


@pytest.mark.postgres
def test_feed_never_skips_a_change_committed_after_a_newer_one(pg_server: Any) -> None:
    """An operator transaction that started first but commits last must still reach a till that pulled in
    between: /changes holds newer changes back until every older transaction has finished."""
    api = Api(pg_server())
    try:
        t = api.token()
        _, cursor = pages(api, t, None)
        slow, fast = api.vouchers()[20], api.vouchers()[21]
        url = api.db_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url) as operator:
            # Blocks a voucher (what `voucher-server block` does) and keeps the transaction open.
            operator.execute("UPDATE vouchers SET state = 'blocked', state_before_block = state, "
                             "change_seq = pg_current_xact_id()::text::bigint WHERE serial = %s", (slow["serial"],))
            assert redeem(api, api.token(index=2), fast["serial"], "feed-order-1").status_code == 200
            held, cursor_mid = pages(api, t, cursor)
            assert held == [] and cursor_mid == cursor  # the redemption waits behind the open transaction
            operator.commit()
        changed, _ = pages(api, t, cursor_mid)
        assert [(c["serial"], c["state"]) for c in changed] == [(slow["serial"], "blocked"),
                                                                (fast["serial"], "redeemed")]
    finally:
        api.close()


@pytest.mark.postgres
def test_feed_is_not_held_back_by_a_writer_in_another_database(pg_server: Any) -> None:
    """A transaction with an id, left open in another database of the same cluster (an idle session after a
    write): the feed still hands out this database's newer changes at once."""
    api = Api(pg_server())
    other = pg_server().replace("postgresql+psycopg://", "postgresql://")
    try:
        t = api.token()
        _, cursor = pages(api, t, None)
        with psycopg.connect(other) as elsewhere:
            elsewhere.execute("CREATE TABLE busy (n int)")  # takes a transaction id, kept open below
            first = api.vouchers()[30]
            assert redeem(api, api.token(index=2), first["serial"], "elsewhere-1").status_code == 200
            changed, cursor = pages(api, t, cursor)
            assert [(c["serial"], c["state"]) for c in changed] == [(first["serial"], "redeemed")]
            elsewhere.rollback()
    finally:
        api.close()


def test_upgrade_from_0001_keeps_data_and_old_cursors_start_over(db_url: str) -> None:
    command.upgrade(alembic_config(db_url), "0001")
    db = Database(db_url)
    # today's models write columns 0001 did not have: give them a scratch column for the seeding, then take it
    # away, so the upgrade below starts from 0001's shape with data in it
    scratch = [("activities", "business_day", "DATE")]
    with db.write_engine.begin() as conn:
        for table, column, kind in scratch:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    admin.seed_demo(db, SECRET, legacy_serials=True)  # 12-digit serials, as 0001's code issued
    with db.write_engine.begin() as conn:
        for table, column, _kind in scratch:
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    db.dispose()
    api = Api(db_url)  # upgrades to head; the seed is already there
    try:
        t = api.token()
        everything, cursor = pages(api, t, None, limit=150)
        assert len(everything) == len(api.seed["vouchers"]) == 420
        # A cursor from before the upgrade (a plain change number) decodes below every change: a full pull.
        again, _ = pages(api, t, "357", limit=150)
        assert [c["serial"] for c in again] == [c["serial"] for c in everything]
        v = api.vouchers()[0]
        assert redeem(api, api.token(index=2), v["serial"], "after-upgrade-1").status_code == 200
        delta, _ = pages(api, t, cursor)
        assert [(c["serial"], c["state"]) for c in delta] == [(v["serial"], "redeemed")]
    finally:
        api.close()


@pytest.mark.postgres
def test_database_dropping_every_connection_loses_nothing(pg_server: Any) -> None:
    """PostgreSQL restarted or a proxy cut the pool's connections (pg_terminate_backend: the real fault, from
    the database side). The next redemptions succeed on fresh connections; replays still answer the same."""
    api = Api(pg_server())
    try:
        t = api.token()
        first, *rest = api.vouchers()[30:34]
        done = redeem(api, t, first["serial"], "drop-conn-0")
        assert done.status_code == 200
        name = api.db_url.rsplit("/", 1)[1]
        with psycopg.connect(api.db_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
            killed = c.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()[0]
        assert killed >= 1
        for i, v in enumerate(rest):
            r = redeem(api, t, v["serial"], f"drop-conn-{i + 1}")
            assert r.status_code == 200, r.text
        again = redeem(api, t, first["serial"], "drop-conn-0")
        assert again.status_code == 200 and again.content == done.content
    finally:
        api.close()


@pytest.mark.postgres
def test_connection_dropped_mid_redemption_is_retried(pg_server: Any) -> None:
    """The database drops the very connection a redemption is waiting on (terminated while it waits for a row
    lock): the server tries once more on a fresh connection, so the till gets its answer, not a 500."""
    api = Api(pg_server())
    try:
        t = api.token()
        warm, v = api.vouchers()[40:42]
        assert redeem(api, t, warm["serial"], "mid-drop-0").status_code == 200
        url = api.db_url.replace("postgresql+psycopg://", "postgresql://")
        name = api.db_url.rsplit("/", 1)[1]
        result: dict[str, Any] = {}
        with psycopg.connect(url) as operator:
            operator.execute("SELECT 1 FROM vouchers WHERE serial = %s FOR UPDATE", (v["serial"],))
            waiter = threading.Thread(target=lambda: result.update(r=redeem(api, t, v["serial"], "mid-drop-1")))
            waiter.start()
            with psycopg.connect(url, autocommit=True) as admin_conn:
                pid = None
                for _ in range(200):  # the redemption's backend, blocked on the operator's row lock
                    row = admin_conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND "
                                             "wait_event_type = 'Lock'", (name,)).fetchone()
                    if row:
                        pid = row[0]
                        break
                    time.sleep(0.02)
                assert pid is not None, "the redemption never waited on the lock"
                admin_conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            operator.rollback()
        waiter.join(30)
        r = result["r"]
        assert r.status_code == 200, r.text
        again = redeem(api, t, v["serial"], "mid-drop-1")
        assert again.content == r.content
        assert api.client.get(f"{P}/vouchers/{v['serial']}", headers=api.h(t)).json()["state"] == "redeemed"
    finally:
        api.close()
