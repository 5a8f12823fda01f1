"""The API contract (docs/api.md) on SQLite and PostgreSQL through FastAPI's TestClient."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, inspect, text

from voucher_core.codes import make_serial
from voucher_core.timeutil import business_day, to_utc_text

from .conftest import Api

P = "/api/v1"


def redeem(api: Api, token: str, code: str, key: str, **extra):
    return api.client.post(f"{P}/vouchers/{code}/redeem", headers=api.h(token), json={"idempotency_key": key, **extra})


def test_migration_creates_schema_from_empty(db_url: str) -> None:
    from voucher_server.db import upgrade

    upgrade(db_url)
    upgrade(db_url)  # idempotent
    engine = create_engine(db_url)
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert {"campaigns", "merchants", "terminals", "vouchers", "activities", "idempotent_requests",
            "terminal_closings"} <= names
    from alembic.script import ScriptDirectory

    from voucher_server.db import alembic_config

    assert version == ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    assert {"operators", "console_sessions", "audit_events"} <= names
    assert {"funders", "statement_payments", "remittance_receipts", "bulk_orders"} <= names
    indexes = {ix["name"] for ix in inspect(create_engine(db_url)).get_indexes("vouchers")}
    assert "ix_vouchers_campaign_change" in indexes and "ix_vouchers_change_seq" not in indexes


def test_health_me_campaigns(api: Api) -> None:
    assert api.client.get(f"{P}/health").json()["status"] == "ok"
    me = api.client.get(f"{P}/me", headers=api.h(api.token())).json()
    assert me["merchant"]["id"] == "M0001" and me["roles"] == ["merchant"] and "BOOST24" in me["campaigns"]
    assert me["offline_policy"]["offline_allowed"] is True and me["void_window_seconds"] == 600
    camps = api.client.get(f"{P}/campaigns", headers=api.h(api.token())).json()["campaigns"]
    boost = next(c for c in camps if c["id"] == "BOOST24")
    assert boost["face_value_cents"] == 1200 and boost["sale_price_cents"] == 1000 and boost["topup_cents"] == 200
    assert boost["keys"][0]["key_id"] == "K1" and len(boost["keys"][0]["public_key"]) == 44
    outside = api.client.get(f"{P}/campaigns", headers=api.h(api.token(in_campaign=False))).json()["campaigns"]
    assert "BOOST24" not in [c["id"] for c in outside]


def test_redeem_then_already_redeemed_and_exact_replay(api: Api) -> None:
    v = api.vouchers()[0]
    t1, t2 = api.token(index=0), api.token(index=2)
    r = redeem(api, t1, v["code"], "key-000001")
    assert r.status_code == 200 and r.json()["amount_cents"] == 1200 and r.json()["merchant"] == "Boulangerie Martin"
    again = redeem(api, t1, v["code"], "key-000001")
    assert again.status_code == 200 and again.content == r.content
    other = redeem(api, t2, v["serial"], "key-000002")
    assert other.status_code == 409
    err = other.json()["error"]
    assert err["code"] == "already_redeemed" and err["redeemed_by"] == "Boulangerie Martin" and err["redeemed_at"]
    replay = redeem(api, t2, v["serial"], "key-000002")
    assert replay.status_code == 409 and replay.content == other.content  # a refusal replays too
    looked = api.client.get(f"{P}/vouchers/{v['serial']}", headers=api.h(t2)).json()
    assert looked["state"] == "redeemed" and looked["verdict"] == "already_redeemed"


def test_idempotency_key_misuse_changes_nothing(api: Api) -> None:
    a, b = api.vouchers()[:2]
    t = api.token()
    assert redeem(api, t, a["serial"], "key-misuse-1").status_code == 200
    r = redeem(api, t, b["serial"], "key-misuse-1")
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
    r = redeem(api, t, a["serial"], "key-misuse-1", offline=True)
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused"
    assert api.client.get(f"{P}/vouchers/{b['serial']}", headers=api.h(t)).json()["state"] == "active"
    # The same key on another terminal is another key.
    assert redeem(api, api.token(index=1), b["serial"], "key-misuse-1").status_code == 200


def test_verdicts(api: Api) -> None:
    t = api.token()
    issued = api.vouchers("issued")[0]
    expired = api.vouchers("active", "PRINTEMPS")[0]
    cases = [(issued["serial"], 409, "not_activated"), (expired["serial"], 409, "expired"),
             (make_serial(999999), 404, "unknown")]
    for i, (code, status, err) in enumerate(cases):
        r = redeem(api, t, code, f"verdict-key-{i}")
        assert (r.status_code, r.json()["error"]["code"]) == (status, err), code
    v = api.vouchers()[5]
    r = redeem(api, api.token(in_campaign=False), v["serial"], "outside-key-1")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "unknown")  # outside the campaign: learns nothing
    # A signed payload with a tampered signature is forged; so is a valid signature naming another campaign.
    parts = v["code"].split(":")
    parts[4] = ("A" if parts[4][0] != "A" else "B") + parts[4][1:]
    r = redeem(api, t, ":".join(parts), "forged-key-1")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "forged")
    assert api.client.get(f"{P}/vouchers/{':'.join(parts)}", headers=api.h(t)).status_code == 409


def test_offline_upload_judged_at_client_time_first_upload_wins(api: Api) -> None:
    v = api.vouchers()[5]
    during = datetime.now(UTC)  # after the seed sold the voucher (earlier claims: tests/server/test_claims.py)
    t1, t2 = api.token(index=0), api.token(index=2)
    r = redeem(api, t1, v["serial"], "offline-key-1", offline=True, client_time=to_utc_text(during))
    assert r.status_code == 200 and r.json()["offline"] is True
    assert r.json()["client_time"] == to_utc_text(during)
    late = redeem(api, t2, v["serial"], "offline-key-2", offline=True, client_time=to_utc_text(during))
    assert late.status_code == 409 and late.json()["error"]["code"] == "already_redeemed"
    ledger = api.client.get(f"{P}/ledger", params={"date": business_day(during).isoformat()},
                            headers=api.h(t1)).json()
    assert v["serial"] in [a["serial"] for a in ledger["activities"]]


def test_void_within_window_and_twice(api: Api) -> None:
    v = api.vouchers()[10]
    t = api.token(index=0)
    rid = redeem(api, t, v["serial"], "void-red-1").json()["redemption_id"]
    other = api.client.post(f"{P}/redemptions/{rid}/void", headers=api.h(api.token(index=2)),
                            json={"idempotency_key": "void-other-1"})
    assert other.status_code == 403 and other.json()["error"]["code"] == "forbidden"
    # Another terminal of the same merchant may void it.
    r = api.client.post(f"{P}/redemptions/{rid}/void", headers=api.h(api.token(index=1)),
                        json={"idempotency_key": "void-key-01"})
    assert r.status_code == 200 and r.json()["amount_cents"] == 1200
    r2 = api.client.post(f"{P}/redemptions/{rid}/void", headers=api.h(t), json={"idempotency_key": "void-key-02"})
    assert r2.status_code == 409 and r2.json()["error"]["code"] == "already_voided"
    assert api.client.get(f"{P}/vouchers/{v['serial']}", headers=api.h(t)).json()["state"] == "active"
    nf = api.client.post(f"{P}/redemptions/999999/void", headers=api.h(t), json={"idempotency_key": "void-key-03"})
    assert nf.status_code == 404 and nf.json()["error"]["code"] == "not_found"
    # Re-redeem after a void works, and the ledger shows redeem, void, redeem with totals.
    assert redeem(api, t, v["serial"], "void-red-2").status_code == 200
    day = datetime.now(UTC)
    led = api.client.get(f"{P}/ledger", params={"date": business_day(day).isoformat()}, headers=api.h(t)).json()
    kinds = [(a["kind"], a["ref_id"]) for a in led["activities"]]
    assert ("void", rid) in kinds and kinds.count(("redeem", None)) == 2
    assert led["totals"]["net_redeemed_cents"] == 1200 and led["totals"]["voided_count"] == 1
    other_led = api.client.get(f"{P}/ledger", params={"date": business_day(day).isoformat()},
                               headers=api.h(api.token(index=2))).json()
    assert other_led["activities"] == []  # never another merchant's activities


def test_void_window_passed(db_url: str) -> None:
    api = Api(db_url, void_window_seconds=0)
    try:
        v, t = api.vouchers()[0], api.token()
        rid = redeem(api, t, v["serial"], "window-red-1").json()["redemption_id"]
        r = api.client.post(f"{P}/redemptions/{rid}/void", headers=api.h(t), json={"idempotency_key": "window-v-1"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "void_window_passed"
        assert api.client.get(f"{P}/me", headers=api.h(t)).json()["void_window_seconds"] == 0
    finally:
        api.close()


def test_activate_and_sale_void(api: Api) -> None:
    seller = api.token("seller")
    a, b = api.vouchers("issued")[:2]
    today = business_day(datetime.now(UTC)).isoformat()
    before = api.client.get(f"{P}/ledger", params={"date": today}, headers=api.h(seller)).json()["totals"]
    body = {"idempotency_key": "sale-key-01", "sale_price_cents": 1000}
    wrong = api.client.post(f"{P}/vouchers/{a['code']}/activate", headers=api.h(seller),
                            json={**body, "idempotency_key": "sale-key-00", "sale_price_cents": 1200})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "wrong_price"
    r = api.client.post(f"{P}/vouchers/{a['code']}/activate", headers=api.h(seller), json=body)
    assert r.status_code == 200, r.text
    sale = r.json()
    assert (sale["sale_price_cents"], sale["topup_cents"], sale["seller"]) == (1000, 200, "Tabac de la Gare")
    again = api.client.post(f"{P}/vouchers/{a['code']}/activate", headers=api.h(seller),
                            json={**body, "idempotency_key": "sale-key-02"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_sold"
    v = api.client.post(f"{P}/sales/{sale['sale_id']}/void", headers=api.h(seller),
                        json={"idempotency_key": "sale-void-1"})
    assert v.status_code == 200 and v.json()["sale_price_cents"] == 1000
    # Sold, redeemed, then the sale cannot be voided.
    sid = api.client.post(f"{P}/vouchers/{b['serial']}/activate", headers=api.h(seller),
                          json={"idempotency_key": "sale-key-03", "sale_price_cents": 1000}).json()["sale_id"]
    assert redeem(api, api.token(), b["serial"], "spent-red-1").status_code == 200
    spent = api.client.post(f"{P}/sales/{sid}/void", headers=api.h(seller), json={"idempotency_key": "sale-void-2"})
    assert spent.status_code == 409 and spent.json()["error"]["code"] == "voucher_spent"
    after = api.client.get(f"{P}/ledger", params={"date": today}, headers=api.h(seller)).json()["totals"]
    delta = {k: after[k] - before[k] for k in ("sold_count", "sale_voided_count", "net_sold_cents", "topup_cents")}
    assert delta == {"sold_count": 2, "sale_voided_count": 1, "net_sold_cents": 1000, "topup_cents": 200}


def test_changes_snapshot_then_incremental(api: Api) -> None:
    t = api.token()
    seen: dict[str, str] = {}
    cursor, pages = None, 0
    while True:
        params = {"limit": 150} | ({"cursor": cursor} if cursor else {})
        page = api.client.get(f"{P}/changes", params=params, headers=api.h(t)).json()
        serials = [c["serial"] for c in page["changes"]]
        assert len(serials) == len(set(serials))
        seen.update({c["serial"]: c["state"] for c in page["changes"]})
        assert cursor is None or int(page["next_cursor"]) >= int(cursor)
        cursor, pages = page["next_cursor"], pages + 1
        if not page["has_more"]:
            break
    assert len(seen) == len(api.seed["vouchers"]) and pages == 3
    assert api.client.get(f"{P}/changes", params={"cursor": cursor}, headers=api.h(t)).json()["changes"] == []
    v = api.vouchers()[3]
    redeem(api, api.token(index=2), v["serial"], "changes-red-1")
    delta = api.client.get(f"{P}/changes", params={"cursor": cursor}, headers=api.h(t)).json()
    assert [(c["serial"], c["state"], c["redeemed_by"]) for c in delta["changes"]] == [
        (v["serial"], "redeemed", "Librairie du Centre")]
    outside = api.client.get(f"{P}/changes", headers=api.h(api.token(in_campaign=False))).json()
    assert {c["campaign_id"] for c in outside["changes"]} == {"PRINTEMPS"}
    bad = api.client.get(f"{P}/changes", params={"cursor": "abc"}, headers=api.h(t))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"


ABSURD = ["%20", "x" * 5000, "1' OR '1'='1", "1;DROP TABLE vouchers", "abc%00def", "%FF%FE", "%C3%28",
          "000000000000", "VC1:BOOST24:K1:000000420011:ABC", "12345678901"]


@pytest.mark.parametrize("code", ABSURD)
def test_absurd_codes_are_400_malformed(api: Api, code: str) -> None:
    t = api.h(api.token())
    for method, path, body in [("GET", "", None), ("POST", "/redeem", {"idempotency_key": "absurd-key-1"})]:
        r = api.client.request(method, f"{P}/vouchers/{code}{path}", headers=t, json=body)
        assert r.status_code == 400, (code, r.text)
        assert r.json()["error"]["code"] == "malformed"


def test_malformed_bodies(api: Api) -> None:
    t = api.h(api.token()) | {"Content-Type": "application/json"}
    url = f"{P}/vouchers/{api.vouchers()[0]['serial']}/redeem"
    cases = [(b"{not json", 400, "invalid_json"), (b"\xff\xfe\x00", 400, "invalid_json"),
             (b"[]", 422, "invalid_request"), (b"{}", 422, "invalid_request"),
             (b'{"idempotency_key": "short"}', 422, "invalid_request"),
             (b'{"idempotency_key": "goodkey-123", "offline": "maybe"}', 422, "invalid_request"),
             (b'{"idempotency_key": "goodkey-123", "client_time": "yesterday"}', 422, "invalid_request"),
             (b'{"idempotency_key": "' + b"k" * 20000 + b'"}', 413, "payload_too_large")]
    for raw, status, code in cases:
        r = api.client.post(url, headers=t, content=raw)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), raw[:40]
        assert "Traceback" not in r.text and "SELECT" not in r.text
    chunked = api.client.post(url, headers=t, content=iter([b'{"a": "', b"x" * 17000, b'"}']))
    assert chunked.status_code == 413
    assert api.client.get(f"{P}/nowhere", headers=t).json()["error"]["code"] == "not_found"
    assert api.client.get(f"{P}/ledger", params={"date": "2026-02-30"}, headers=t).status_code == 422
    for rid in ("99999999999999999999999", "-1", "abc"):
        r = api.client.post(f"{P}/redemptions/{rid}/void", headers=t, json={"idempotency_key": "void-huge-1"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", rid


def test_rate_limit(db_url: str) -> None:
    api = Api(db_url, rate_per_second=0.001, rate_burst=3)
    try:
        t = api.h(api.token())
        statuses = [api.client.get(f"{P}/me", headers=t).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
        r = api.client.get(f"{P}/me", headers=t)
        assert r.json()["error"]["code"] == "rate_limited" and r.json()["error"]["retry_after"] > 0
        assert api.client.get(f"{P}/me", headers=api.h(api.token(index=1))).status_code == 200  # per token
    finally:
        api.close()


def _endpoints(api: Api, own_rid: int, own_sid: int, other_rid: int) -> list[tuple[str, str, dict | None]]:
    act, iss = api.vouchers()[50]["serial"], api.vouchers("issued")[50]["serial"]
    return [
        ("GET", f"{P}/me", None), ("GET", f"{P}/campaigns", None), ("GET", f"{P}/vouchers/{act}", None),
        ("POST", f"{P}/vouchers/{act}/redeem", {"idempotency_key": "matrix-red"}),
        ("POST", f"{P}/redemptions/{own_rid}/void", {"idempotency_key": "matrix-void"}),
        ("POST", f"{P}/redemptions/{other_rid}/void", {"idempotency_key": "matrix-void-o"}),
        ("POST", f"{P}/vouchers/{iss}/activate", {"idempotency_key": "matrix-act", "sale_price_cents": 1000}),
        ("POST", f"{P}/sales/{own_sid}/void", {"idempotency_key": "matrix-svoid"}),
        ("GET", f"{P}/changes", None), ("GET", f"{P}/ledger?date=2026-11-23", None),
        ("GET", f"{P}/terminals/me/ledger-head", None),
        ("POST", f"{P}/terminals/me/ledger-head",
         {"seq": 1, "hash": "c" * 64, "entries": [{"seq": 1, "prev_hash": "0" * 64, "hash": "c" * 64}]}),
    ]


def test_authorisation_matrix(api: Api) -> None:
    m1, m2, out, seller = api.token(index=0), api.token(index=2), api.token(in_campaign=False), api.token("seller")
    own_rid = redeem(api, m1, api.vouchers()[40]["serial"], "matrix-own-1").json()["redemption_id"]
    other_rid = redeem(api, m2, api.vouchers()[41]["serial"], "matrix-oth-1").json()["redemption_id"]
    own_sid = api.client.post(f"{P}/vouchers/{api.vouchers('issued')[40]['serial']}/activate", headers=api.h(seller),
                              json={"idempotency_key": "matrix-sale-1", "sale_price_cents": 1000}).json()["sale_id"]
    eps = _endpoints(api, own_rid, own_sid, other_rid)
    names = ["me", "campaigns", "voucher", "redeem", "void_own", "void_other", "activate", "sale_void", "changes",
             "ledger", "head_get", "head_post"]
    expected = {
        # role: status per endpoint, in order of `names`
        "merchant": [200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 200, 200],
        "outside": [200, 200, 404, 404, 403, 403, 403, 403, 200, 200, 200, 200],
        "seller": [200, 200, 200, 403, 403, 403, 200, 200, 200, 200, 200, 200],
        "none": [401] * 12,
        "bad": [401] * 12,
    }
    tokens = {"merchant": m1, "outside": out, "seller": seller, "none": None, "bad": "not-a-real-token"}
    for role, token in tokens.items():
        got = []
        for method, url, body in eps:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            r = api.client.request(method, url, headers=headers, json=body)
            got.append(r.status_code)
            if r.status_code >= 400:
                assert set(r.json()) == {"error"} and r.json()["error"]["code"], (role, url)
        assert dict(zip(names, got, strict=True)) == dict(zip(names, expected[role], strict=True)), role
    # The outside merchant learns nothing (404 unknown); a seller's void of a merchant's redemption is forbidden.
    r = redeem(api, out, api.vouchers()[60]["serial"], "matrix-out-2")
    assert r.json()["error"]["code"] == "unknown"
    # The seller's sale void of the voucher it just activated in the matrix above is its own: already voided
    r = api.client.post(f"{P}/sales/{own_sid}/void", headers=api.h(seller), json={"idempotency_key": "matrix-sv-2"})
    assert r.json()["error"]["code"] == "already_voided"
