"""The hot lane (``voucher_server/hot_lane.py``) answers a till's look-up and redemption and a holder's page exactly
as FastAPI's routes do: every request here is sent both to the server's app and to the same app with the lane
taken out, on one database, and the two answers compared; requests of any other shape are left to FastAPI."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from voucher_server.app import create_app
from voucher_server.config import Settings
from voucher_server.hot_lane import HotLane

from .conftest import Api

P = "/api/v1"
# Differ from one redemption to the next, whichever path answers.
VARYING = {"serial", "redemption_id", "server_time", "redeemed_at", "business_time", "client_time"}


class Both:
    """The app with its lane (``api``) and the same app without it, on the same database."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.app = create_app(Settings(db_url=api.db_url, secret=None))
        self.app.user_middleware = [m for m in self.app.user_middleware if m.cls is not HotLane]
        self.plain = TestClient(self.app, raise_server_exceptions=False)
        self.plain.__enter__()

    def send(self, method: str, path: str, **kw: Any) -> tuple[Any, Any]:
        return self.api.client.request(method, path, **kw), self.plain.request(method, path, **kw)

    def close(self) -> None:
        self.plain.__exit__(None, None, None)
        self.app.state.db.dispose()


@pytest.fixture
def both(api: Api) -> Iterator[Both]:
    b = Both(api)
    yield b
    b.close()


def same(lane: Any, plain: Any, ignore: Collection[str] = ()) -> None:
    assert lane.status_code == plain.status_code, (lane.text, plain.text)
    for header in ("content-type", "retry-after", "content-security-policy", "cache-control", "referrer-policy"):
        assert lane.headers.get(header) == plain.headers.get(header), header
    if lane.headers.get("content-type", "").startswith("application/json") and lane.content:
        a, b = lane.json(), plain.json()
        assert {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}
        assert a.keys() == b.keys()
    else:
        assert lane.text == plain.text


def test_look_ups_and_pages_answer_as_the_routes(both: Both) -> None:
    api = both.api
    good, other = api.h(api.token()), api.h(api.token(in_campaign=False))
    active, used = api.vouchers("active")[0], api.vouchers("active")[-1]
    assert api.client.post(f"{P}/vouchers/{used['code']}/redeem", headers=good,
                           json={"idempotency_key": "used-0001"}).status_code == 200
    api.app.state.hot_lane.clear()
    cases: list[tuple[str, dict[str, str]]] = [
        (active["code"], good), (active["serial"], good), (used["code"], good), (active["code"], other),
        ("00000000000000000000", good), ("not a code", good), (active["serial"][:-1] + "x", good),
        (active["code"], {}), (active["code"], {"Authorization": "Bearer wrong"}),
        (active["code"], {"Authorization": "Basic abc"}),
    ]
    for code, headers in cases:
        same(*both.send("GET", f"{P}/vouchers/{code}", headers=headers))
    for path in (f"/v/{active['code']}", f"/V/{active['serial']}", f"/v/{used['serial']}", "/v/12345",
                 f"/v/{active['code']}?lang=en"):
        same(*both.send("GET", path, headers={"Accept-Language": "en-GB,en;q=0.8"}))
    assert api.app.state.hot_lane["look-up"] == len(cases)
    assert api.app.state.hot_lane["page"] == 5
    assert both.app.state.hot_lane.total() == 0  # the other app really went through FastAPI's routes


def test_redemptions_and_refusals_answer_as_the_routes(both: Both) -> None:
    api = both.api
    h = api.h(api.token())
    first, second = api.vouchers("active")[:2]
    # Accepted: one voucher by each path; only what differs between two redemptions may differ.
    lane = api.client.post(f"{P}/vouchers/{first['code']}/redeem", headers=h, json={"idempotency_key": "lane-0001"})
    plain = both.plain.post(f"{P}/vouchers/{second['code']}/redeem", headers=h, json={"idempotency_key": "plain-001"})
    assert lane.status_code == 200
    same(lane, plain, ignore=VARYING)
    # The replay of each key, then each voucher again under new keys (refused, already redeemed).
    same(*both.send("POST", f"{P}/vouchers/{first['code']}/redeem", headers=h, json={"idempotency_key": "lane-0001"}))
    lane = api.client.post(f"{P}/vouchers/{first['code']}/redeem", headers=h, json={"idempotency_key": "lane-0002"})
    plain = both.plain.post(f"{P}/vouchers/{first['code']}/redeem", headers=h, json={"idempotency_key": "plain-002"})
    assert lane.status_code == 409
    same(lane, plain)
    before = api.app.state.hot_lane["redeem"]
    # Answered by the lane: its errors (auth, code, rules) are the API's.
    third = api.vouchers("active")[2]["code"]
    for path, headers, body in [
        (f"{P}/vouchers/{third}/redeem", {}, {"idempotency_key": "k-000001"}),
        (f"{P}/vouchers/{third}/redeem", api.h("nope"), {"idempotency_key": "k-000002"}),
        (f"{P}/vouchers/not-a-code/redeem", h, {"idempotency_key": "k-000003"}),
        (f"{P}/vouchers/{third}/redeem", api.h(api.token("seller")), {"idempotency_key": "k-000004"}),
    ]:
        same(*both.send("POST", path, headers=headers, json=body))
    assert api.app.state.hot_lane["redeem"] == before + 4
    # Left to FastAPI (its 400 and 422 bodies): not JSON, not a JSON object, missing or bad fields, wrong content type,
    # no body, nesting too deep for json.loads.
    for content_type, raw in [
        ("application/json", b"{not json"), ("application/json", b"[1, 2]"), ("application/json", b"{}"),
        ("application/json", b'{"idempotency_key": "k-000005", "offline": "yes"}'),
        ("text/plain", b'{"idempotency_key": "k-000006"}'), ("application/json", b""),
        ("application/json", b"[" * 3000 + b"]" * 3000), ("application/json", b"\xff\xfe"),
    ]:
        lane, plain = both.send("POST", f"{P}/vouchers/{third}/redeem", content=raw,
                                headers={**h, "Content-Type": content_type})
        assert lane.status_code in (400, 422), lane.text
        same(lane, plain)
    assert api.app.state.hot_lane["redeem"] == before + 4
    # A JSON content type with parameters, or a +json one, is JSON to both.
    for i, content_type in enumerate(("application/json; charset=utf-8", "application/vnd.till+json")):
        lane = api.client.post(f"{P}/vouchers/{third}/redeem", content=json.dumps({"idempotency_key": f"ct-lane-{i}"}),
                               headers={**h, "Content-Type": content_type})
        plain = both.plain.post(f"{P}/vouchers/{third}/redeem", content=json.dumps({"idempotency_key": f"ct-plain{i}"}),
                                headers={**h, "Content-Type": content_type})
        assert (lane.status_code, plain.status_code) == ((200, 409) if i == 0 else (409, 409))
    assert api.app.state.hot_lane["redeem"] == before + 6


def test_other_shapes_go_to_fastapi(both: Both) -> None:
    api = both.api
    h = api.h(api.token())
    code = api.vouchers("active")[0]["code"]
    for method, path in [("GET", f"{P}/vouchers/{code}/"), ("HEAD", f"{P}/vouchers/{code}"),
                         ("PUT", f"{P}/vouchers/{code}/redeem"), ("GET", f"{P}/vouchers/{code}/redeem"),
                         ("POST", f"/v/{code}"), ("GET", "/v/a/b")]:
        same(*both.send(method, path, headers=h, follow_redirects=False))  # a redirect would come back to the lane
    assert api.app.state.hot_lane.total() == 0
