"""The server's copy of each till's ledger chain: a head is acknowledged only when it extends the last one; every
kind of tampering is refused with a stable code and flags the terminal (on SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from voucher_core.ledger import GENESIS_HASH
from voucher_server.db import Database
from voucher_server.models import Terminal

from .conftest import Api

P = "/api/v1"
HEAD = f"{P}/terminals/me/ledger-head"


def chain(n: int, salt: str = "", start: int = 1, prev: str = GENESIS_HASH) -> list[dict[str, Any]]:
    links = []
    for seq in range(start, start + n):
        h = hashlib.sha256(f"{prev}{seq}{salt}".encode()).hexdigest()
        links.append({"seq": seq, "prev_hash": prev, "hash": h})
        prev = h
    return links


def post(api: Api, token: str, links: list[dict[str, Any]], head: dict[str, Any] | None = None) -> Any:
    last = head or links[-1]
    return api.client.post(HEAD, headers=api.h(token), json={"seq": last["seq"], "hash": last["hash"],
                                                             "entries": links})


def alarm(api: Api, token: str) -> tuple[str | None, int | None]:
    body = api.client.get(HEAD, headers=api.h(token)).json()
    return body["alarm"], body["alarm_seq"]


def test_a_head_that_extends_the_chain_is_acknowledged(api: Api) -> None:
    t = api.token()
    links = chain(30)
    assert post(api, t, links[:10]).status_code == 200
    assert post(api, t, links[:10]).status_code == 200  # the same again: idempotent
    r = post(api, t, links[10:])
    assert r.status_code == 200 and r.json()["seq"] == 30 and r.json()["alarm"] is None
    overlap = post(api, t, links[5:])  # a till that lost its acks re-sends: the overlap matches
    assert overlap.status_code == 200
    page = api.client.get(f"{P}/terminals/me/ledger-chain", params={"after": 25}, headers=api.h(t)).json()
    assert page["entries"] == links[25:] and page["head"]["seq"] == 30
    gap = post(api, t, chain(3, start=35, prev=links[-1]["hash"]))
    assert gap.status_code == 422 and gap.json()["error"]["code"] == "ledger_links_missing"


def _refused(api: Api, token: str, r: Any, code: str, seq: int) -> None:
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert (err["code"], err["seq"]) == (code, seq), err
    assert alarm(api, token) == (code, seq)


def test_edit_delete_shorten_and_rewrite_are_refused_and_flagged(api: Api) -> None:
    tokens = [api.token(index=i) for i in range(3)] + [api.token("seller")]
    links = chain(20)
    for t in tokens:
        assert post(api, t, links).status_code == 200
    # an acknowledged entry edited (its hash and every later one recomputed): entry 7 differs
    rewritten = links[:6] + chain(14, salt="999 €", start=7, prev=links[5]["hash"])
    _refused(api, tokens[0], post(api, tokens[0], rewritten[5:] + chain(1, start=21, prev=rewritten[-1]["hash"])),
             "ledger_chain_broken", 7)
    # a middle entry deleted, the rest renumbered and re-chained: entry 12 differs
    renumbered = links[:11] + chain(9, salt="x", start=12, prev=links[10]["hash"])
    more = chain(2, start=21, prev=renumbered[-1]["hash"])
    _refused(api, tokens[1], post(api, tokens[1], renumbered[10:] + more), "ledger_chain_broken", 12)
    # the tail deleted (with the till's acks): the head moved back
    _refused(api, tokens[2], post(api, tokens[2], links[:14]), "ledger_head_regressed", 15)
    # a fork right after the acknowledged head that pretends to start elsewhere
    forked = chain(2, salt="fork", start=21, prev="f" * 64)
    _refused(api, tokens[3], post(api, tokens[3], forked), "ledger_chain_broken", 21)
    db = Database(api.db_url)
    try:
        with db.reading() as s:
            flagged = s.scalars(select(Terminal.ledger_alarm).where(Terminal.ledger_alarm.is_not(None))).all()
    finally:
        db.dispose()
    assert len(flagged) == 4  # what the console shows the operator


def test_a_forged_confirmed_redemption_is_refused(api: Api) -> None:
    t = api.token()
    v = api.vouchers()[70]
    done = api.client.post(f"{P}/vouchers/{v['serial']}/redeem", headers=api.h(t),
                           json={"idempotency_key": "heads-real-1"}).json()
    links = chain(3)
    links[2] |= {"kind": "redemption_confirmed", "server_id": done["redemption_id"], "amount_cents": 1200}
    assert post(api, t, links).status_code == 200
    forged = chain(2, salt="forged", start=4, prev=links[-1]["hash"])
    forged[1] |= {"kind": "redemption_confirmed", "server_id": done["redemption_id"] + 10_000, "amount_cents": 1200}
    _refused(api, t, post(api, t, forged), "ledger_entry_unknown", 5)
    doubled = chain(1, salt="again", start=4, prev=links[-1]["hash"])
    doubled[0] |= {"kind": "redemption_confirmed", "server_id": done["redemption_id"], "amount_cents": 99900}
    _refused(api, t, post(api, t, doubled), "ledger_entry_unknown", 4)  # a real one with its amount changed
