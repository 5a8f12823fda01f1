"""A till whose books were tampered with, as the operator sees it: the API refuses its ledger head for real, the
console shows the alarm, an accountant cannot clear it, an admin resets the till's ledger and it syncs again."""

from __future__ import annotations

import hashlib
from typing import Any

import requests

from voucher_server.testing import LiveServer

from .conftest import ACCOUNTANT, ADMIN, login

GENESIS = "0" * 64
BADGE = "Journal de caisse incohérent depuis l'entrée 4, le "


def chain(n: int, salt: str = "", start: int = 1, prev: str = GENESIS) -> list[dict[str, Any]]:
    links = []
    for seq in range(start, start + n):
        h = hashlib.sha256(f"{prev}{seq}{salt}".encode()).hexdigest()
        links.append({"seq": seq, "prev_hash": prev, "hash": h})
        prev = h
    return links


def post_head(server: LiveServer, token: str, links: list[dict[str, Any]]) -> requests.Response:
    return requests.post(f"{server.url}/api/v1/terminals/me/ledger-head", timeout=10,
                         headers={"Authorization": f"Bearer {token}"},
                         json={"seq": links[-1]["seq"], "hash": links[-1]["hash"], "entries": links})


def new_till(server: LiveServer, merchant_id: str) -> tuple[int, str]:
    """A till of its own (the folder's server is shared: the demo tills stay clean)."""
    from voucher_server import admin
    from voucher_server.db import Database

    db = Database(server.db_url)
    try:
        with db.writing() as s:
            t, token = admin.add_terminal(s, merchant_id, "Caisse trafiquée")
            return t.id, token
    finally:
        db.dispose()


def test_a_tampered_till_is_shown_and_only_an_admin_resets_it(page: Any, server: LiveServer) -> None:
    from voucher_core.ledger import GENESIS_HASH

    assert GENESIS_HASH == GENESIS
    mid = "M0001"  # the demo's bakery
    tid, token = new_till(server, mid)
    links = chain(6)
    assert post_head(server, token, links).status_code == 200
    # Entry 4 edited and the chain recomputed from there: the server refuses the head and flags the till.
    rewritten = links[:3] + chain(4, salt="999 €", start=4, prev=links[2]["hash"])
    refused = post_head(server, token, rewritten[2:])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "ledger_chain_broken"

    login(page, *ACCOUNTANT)
    assert "1 caisse au journal incohérent : à vérifier." in page.locator("#tills-in-alarm").inner_text()
    page.goto(f"/console/merchants/{mid}")
    row = page.locator(f"#terminal-{tid}")
    assert row.locator(".alarm").inner_text().startswith(BADGE)
    assert row.locator("button", has_text="Réinitialiser").count() == 0
    page.goto("/console/merchants")
    assert BADGE in page.locator("main table").inner_text()
    page.click("text=English")
    page.goto(f"/console/merchants/{mid}")
    assert "Till ledger inconsistent since entry 4, on " in page.locator(f"#terminal-{tid} .alarm").inner_text()
    page.click("text=Français")
    page.click("button:has-text('Se déconnecter')")

    login(page, *ADMIN)
    page.goto(f"/console/merchants/{mid}")
    page.locator(f"#terminal-{tid}").locator("button", has_text="Réinitialiser le journal de cette caisse").click()
    assert page.locator("p.notice").inner_text() == "Journal de la caisse réinitialisé."
    assert page.locator(f"#terminal-{tid} .alarm").count() == 0
    page.goto("/console/")
    assert page.locator("#tills-in-alarm").count() == 0
    page.goto(f"/console/audit?target=terminal:{tid}")
    assert "journal de caisse réinitialisé" in page.locator("table.audit").inner_text()
    # The till reinstalled with a fresh file syncs again from entry 1.
    assert post_head(server, token, chain(2, salt="new file")).status_code == 200
