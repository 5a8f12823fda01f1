"""The race, end to end on the real server: 16 threads, 20 vouchers, two merchants, one redemption each."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
import requests
from sqlalchemy import create_engine, text

from voucher_server.testing import LiveServer


@pytest.fixture
def live(db_url: str):
    with LiveServer(db_url=db_url) as srv:
        yield srv


def test_race_one_redemption_per_voucher(live: LiveServer, db_url: str) -> None:
    tokens = [live.token("merchant", 0), live.token("merchant", 2)]  # M0001 and M0002
    vouchers = [v for v in live.seed["vouchers"] if v["state"] == "active" and v["campaign"] == "BOOST24"][:20]
    results: list[tuple[str, int, dict]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def worker(n: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {tokens[n % 2]}"}
        barrier.wait()
        for v in vouchers:
            code = v["code"] if n % 3 else v["serial"]
            r = session.post(f"{live.url}/api/v1/vouchers/{code}/redeem", headers=headers,
                             json={"idempotency_key": uuid.uuid4().hex, "offline": False}, timeout=60)
            with lock:
                results.append((v["serial"], r.status_code, r.json()))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(results) == 16 * 20
    wins = Counter(serial for serial, status, _ in results if status == 200)
    assert wins == dict.fromkeys((v["serial"] for v in vouchers), 1)
    losers = [body for _, status, body in results if status != 200]
    assert {(b["error"]["code"]) for b in losers} == {"already_redeemed"}
    assert all(b["error"]["redeemed_by"] in ("Boulangerie Martin", "Librairie du Centre") for b in losers)

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT serial, count(*) FROM activities WHERE kind = 'redeem' GROUP BY serial")
                            ).all()
        states = conn.execute(text("SELECT count(*) FROM vouchers WHERE state = 'redeemed'")).scalar_one()
    engine.dispose()
    assert dict(rows) == dict.fromkeys((v["serial"] for v in vouchers), 1)
    assert states == 20


def test_restart_keeps_state_and_cursor(live: LiveServer) -> None:
    h = {"Authorization": f"Bearer {live.token('merchant')}"}
    v = next(v for v in live.seed["vouchers"] if v["state"] == "active")
    first = requests.get(f"{live.url}/api/v1/changes?limit=5000", headers=h, timeout=30).json()
    body = {"idempotency_key": "restart-key-1"}
    r1 = requests.post(f"{live.url}/api/v1/vouchers/{v['serial']}/redeem", headers=h, json=body, timeout=30)
    live.kill()
    live.start()
    r2 = requests.post(f"{live.url}/api/v1/vouchers/{v['serial']}/redeem", headers=h, json=body, timeout=30)
    assert r1.status_code == r2.status_code == 200
    assert r1.content == r2.content  # exact replay after a crash and restart
    delta = requests.get(f"{live.url}/api/v1/changes", params={"cursor": first["next_cursor"]}, headers=h,
                         timeout=30).json()
    assert [c["serial"] for c in delta["changes"]] == [v["serial"]]
    assert delta["changes"][0]["state"] == "redeemed"
    assert int(delta["next_cursor"]) > int(first["next_cursor"])


def test_concurrent_same_key_and_concurrent_voids(live: LiveServer) -> None:
    """8 threads send the SAME request (one key): one redemption, 8 identical answers. Then 8 threads void it
    with different keys from the two terminals of the same shop: exactly one void, the others already_voided."""
    tokens = [live.token("merchant", 0), live.token("merchant", 1)]  # both terminals of M0001
    v = [v for v in live.seed["vouchers"] if v["state"] == "active"][30]
    barrier = threading.Barrier(8)
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def same_key() -> None:
        barrier.wait()
        r = requests.post(f"{live.url}/api/v1/vouchers/{v['serial']}/redeem", timeout=60,
                          headers={"Authorization": f"Bearer {tokens[0]}"}, json={"idempotency_key": "same-key-42"})
        with lock:
            answers.append((r.status_code, r.content))

    threads = [threading.Thread(target=same_key) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(answers)) == 1 and answers[0][0] == 200
    rid = requests.models.complexjson.loads(answers[0][1])["redemption_id"]

    voids: list[tuple[int, str]] = []

    def void(n: int) -> None:
        barrier.wait()
        r = requests.post(f"{live.url}/api/v1/redemptions/{rid}/void", timeout=60,
                          headers={"Authorization": f"Bearer {tokens[n % 2]}"},
                          json={"idempotency_key": f"void-race-{n:04d}"})
        with lock:
            voids.append((r.status_code, r.json().get("error", {}).get("code", "ok")))

    threads = [threading.Thread(target=void, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(voids) == [(200, "ok")] + [(409, "already_voided")] * 7
