"""How long the operator's dashboard takes for a big campaign: 50 000 vouchers sold, 30 000 redeemed (SQLite file).

    python bench/console_dashboard.py

Prints the time of the figures function alone and of the whole page (FastAPI test client, signed in)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SOLD, REDEEMED = 50_000, 30_000


def build(url: str) -> None:
    """The demo, plus a campaign with SOLD sales and REDEEMED redemptions spread over 60 days."""
    from datetime import timedelta

    from sqlalchemy import insert

    from voucher_core.timeutil import business_day, utc_now
    from voucher_server import admin, crypto
    from voucher_server.console.auth import add_operator
    from voucher_server.console.models import OperatorRole
    from voucher_server.db import Database, upgrade
    from voucher_server.models import Activity, Voucher

    upgrade(url)
    db = Database(url)
    admin.seed_demo(db, crypto.DEMO_SECRET)
    now = utc_now()
    with db.writing() as s:
        add_operator(s, "bench@example.org", "bench password", OperatorRole.ADMIN)
        rows, acts = [], []
        for i in range(SOLD):
            serial = f"{900_000_000 + i:010d}00"
            at = now - timedelta(days=60 - i * 60 // SOLD)
            rows.append({"serial": serial, "campaign_id": "BOOST24", "key_id": "K1", "code": serial,
                         "state": "redeemed" if i < REDEEMED else "active", "change_seq": 1})
            acts.append({"kind": "activate", "serial": serial, "campaign_id": "BOOST24", "merchant_id": "M0004",
                         "amount_cents": 1200, "sale_price_cents": 1000, "topup_cents": 200, "server_time": at,
                         "business_time": at, "business_day": business_day(at), "offline": False})
            if i < REDEEMED:
                later = at + timedelta(days=1)
                acts.append({"kind": "redeem", "serial": serial, "campaign_id": "BOOST24",
                             "merchant_id": "M0001" if i % 3 else "M0002", "amount_cents": 1200,
                             "sale_price_cents": 0, "topup_cents": 0, "server_time": later, "business_time": later,
                             "business_day": business_day(later), "offline": False})
        for k in range(0, len(rows), 5000):
            s.execute(insert(Voucher), rows[k:k + 5000])
        for k in range(0, len(acts), 5000):
            s.execute(insert(Activity), acts[k:k + 5000])
    db.dispose()


def main() -> int:
    from fastapi.testclient import TestClient

    from voucher_core.timeutil import business_day, utc_now
    from voucher_server.app import create_app
    from voucher_server.config import Settings
    from voucher_server.console.figures import campaign_figures
    from voucher_server.db import Database
    from voucher_server.models import Campaign

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        build(url)
        db = Database(url)
        with db.reading() as s:
            camp = s.get(Campaign, "BOOST24")
            t0 = time.perf_counter()
            fig = campaign_figures(s, camp, business_day(utc_now()))  # type: ignore[arg-type]
            figures_ms = (time.perf_counter() - t0) * 1000
        db.dispose()
        app = create_app(Settings(db_url=url))
        with TestClient(app, base_url="https://testserver") as client:  # not the loopback: Secure cookies
            page = client.get("/console/")
            token = page.text.split('name="csrf" value="')[1].split('"')[0]
            client.post("/console/login", data={"csrf": token, "email": "bench@example.org",
                                                "password": "bench password"})
            timings = []
            for _ in range(3):
                t0 = time.perf_counter()
                r = client.get("/console/campaigns/BOOST24/dashboard")
                timings.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200 and "Tableau de bord" in r.text
        app.state.db.dispose()
    print(f"dashboard of {fig.total.sold_count} sold / {fig.total.redeemed_count} redeemed vouchers: "
          f"figures {figures_ms:.0f} ms, whole page best of 3 {min(timings):.0f} ms (SQLite)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
