"""Offline claims judged by the server (voucher_core.claims): each bound, the operator's offline policy per
terminal and Paris day, refusals stored for replay; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, text

from voucher_core.timeutil import to_utc_text
from voucher_server.db import normalise_url

from .conftest import Api
from .test_terminals import terminal_id

P = "/api/v1"


def sql(db_url: str, statement: str, **params: Any) -> None:
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.begin() as conn:
            conn.execute(text(statement), params)
    finally:
        engine.dispose()


def sold_long_ago(api: Api) -> None:
    """The seed sells its active vouchers at seeding time; these tests date claims before that."""
    sql(api.db_url, "UPDATE vouchers SET sold_at = :at WHERE state = 'active'",
        at=datetime.now(UTC) - timedelta(days=30))


def upload(api: Api, token: str, serial: str, key: str, when: datetime) -> Any:
    return api.client.post(f"{P}/vouchers/{serial}/redeem", headers=api.h(token),
                           json={"idempotency_key": key, "offline": True, "client_time": to_utc_text(when)})


def code(r: Any) -> str:
    return "ok" if r.status_code == 200 else f"{r.status_code} {r.json()['error']['code']}"


def test_offline_redemption_bounds(api: Api) -> None:
    sold_long_ago(api)
    t = api.token()
    serials = iter(v["serial"] for v in api.vouchers())
    now = datetime.now(UTC)
    expired = api.vouchers("active", "PRINTEMPS")[0]["serial"]
    printemps_end = datetime.fromisoformat(
        next(c for c in api.seed["campaigns"] if c["id"] == "PRINTEMPS")["valid_until"]).replace(hour=10, tzinfo=UTC)
    assert code(upload(api, t, next(serials), "bound-ok-1", now - timedelta(hours=3))) == "ok"
    assert code(upload(api, t, next(serials), "bound-skew-1", now + timedelta(minutes=3))) == "ok"
    assert code(upload(api, t, next(serials), "bound-futr-1", now + timedelta(days=3))) == "409 claim_in_future"
    assert code(upload(api, t, next(serials), "bound-9day-1", now - timedelta(days=9))) == "409 claim_too_old"
    # The case: a voucher of a campaign that ended a month ago, "redeemed offline" on its last day.
    assert code(upload(api, t, expired, "bound-60d-1", printemps_end)) == "409 claim_too_old"
    # Before the voucher was sold (the seed sold it just now).
    sold = next(serials)
    sql(api.db_url, "UPDATE vouchers SET sold_at = :at WHERE serial = :s", at=now - timedelta(hours=1), s=sold)
    assert code(upload(api, t, sold, "bound-sale-1", now - timedelta(hours=2))) == "409 claim_before_sale"
    # Refusals are stored: the till's retry gets the same answer, byte for byte.
    first = upload(api, t, sold, "bound-sale-1", now - timedelta(hours=2))
    assert code(first) == "409 claim_before_sale"
    assert first.text == upload(api, t, sold, "bound-sale-1", now - timedelta(hours=2)).text


def test_window_counts_from_the_last_online_contact(api: Api) -> None:
    sold_long_ago(api)
    t = api.token(index=1)
    tid = terminal_id(api.db_url, t)
    serials = iter(v["serial"] for v in api.vouchers()[20:])
    now = datetime.now(UTC)
    # A till silent for three days (its last request three days ago) uploads what it took since.
    sql(api.db_url, "UPDATE terminals SET last_online_at = :at WHERE id = :id", at=now - timedelta(days=3), id=tid)
    assert code(upload(api, t, next(serials), "anchor-ok-1", now - timedelta(days=3, hours=20))) == "ok"
    assert code(upload(api, t, next(serials), "anchor-old-1", now - timedelta(days=4, hours=2))) == "409 claim_too_old"
    # Back online, the till checks a voucher before its sync uploads the rest: the silence before that request
    # was an outage, and what the till took during it is judged from the outage's start.
    assert api.client.get(f"{P}/me", headers=api.h(t)).status_code == 200
    sql(api.db_url, "UPDATE terminals SET outage_since = :since, outage_until = :until, last_online_at = :until"
        " WHERE id = :id", since=now - timedelta(days=3), until=now, id=tid)
    assert code(upload(api, t, next(serials), "anchor-outage-1", now - timedelta(days=3))) == "ok"
    assert code(upload(api, t, next(serials), "anchor-outage-2", now - timedelta(days=4, hours=2))) == \
        "409 claim_too_old"
    # Long after that outage ended, the anchor is the last contact again: the same age is now too old.
    sql(api.db_url, "UPDATE terminals SET outage_until = :until WHERE id = :id", until=now - timedelta(days=2),
        id=tid)
    assert code(upload(api, t, next(serials), "anchor-now-1", now - timedelta(days=3))) == "409 claim_too_old"


def test_operator_offline_policy_per_terminal_and_day(api: Api) -> None:
    sold_long_ago(api)
    t0, t1 = api.token(index=0), api.token(index=1)
    serials = iter(v["serial"] for v in api.vouchers()[40:])
    when = datetime.now(UTC) - timedelta(minutes=30)
    sql(api.db_url, "UPDATE terminals SET offline_allowed = false WHERE id = :id", id=terminal_id(api.db_url, t0))
    assert code(upload(api, t0, next(serials), "policy-off-1", when)) == "409 offline_not_allowed"
    online = api.client.post(f"{P}/vouchers/{next(serials)}/redeem", headers=api.h(t0),
                             json={"idempotency_key": "policy-online-1"})
    assert online.status_code == 200  # the policy is about offline claims only
    sql(api.db_url, "UPDATE terminals SET max_offline_total_cents_per_day = 2400 WHERE id = :id",
        id=terminal_id(api.db_url, t1))
    got = [code(upload(api, t1, next(serials), f"policy-cap-{i}", when)) for i in range(3)]
    assert got == ["ok", "ok", "409 offline_limit_reached"]


def test_offline_sale_bounds(api: Api) -> None:
    seller = api.h(api.token("seller"))
    issued = iter(v["serial"] for v in api.vouchers("issued"))
    now = datetime.now(UTC)

    def sell(key: str, when: datetime) -> str:
        return code(api.client.post(f"{P}/vouchers/{next(issued)}/activate", headers=seller, json={
            "idempotency_key": key, "sale_price_cents": 1000, "offline": True, "client_time": to_utc_text(when)}))

    assert sell("sale-ok-1", now - timedelta(hours=1)) == "ok"
    assert sell("sale-future-1", now + timedelta(hours=1)) == "409 claim_in_future"
    assert sell("sale-old-1", now - timedelta(days=9)) == "409 claim_too_old"
