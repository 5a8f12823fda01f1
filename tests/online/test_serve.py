"""`voucher-server serve` (the real subprocess, two workers) sells nothing online unless a provider is configured,
takes TEST payments only when asked for, refuses Stripe without both keys, and with TEST asked runs the whole
purchase through its webhook on any worker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from voucher_server.db import Database
from voucher_server.models_online import OnlineOrderVoucher
from voucher_server.process import ServerProcessError
from voucher_server.testing import LiveServer


def _sell_online(db_url: str) -> None:
    env = {**os.environ, "VOUCHER_SERVER_SECRET": "live-server-test-secret"}
    subprocess.run([sys.executable, "-m", "voucher_server.cli", "sell-online", "--campaign", "BOOST24", "--provider",
                    "test", "--db", db_url], check=True, env=env, capture_output=True, timeout=120)


def test_serve_sells_nothing_online_by_default() -> None:
    with LiveServer(env={"VOUCHER_SERVER_PAYMENTS": ""}) as srv:
        _sell_online(srv.db_url)
        r = httpx.get(f"{srv.url}/p/achat/BOOST24", timeout=30)
        assert r.status_code == 404 and "La vente en ligne n&#39;est pas ouverte." in r.text
        assert httpx.get(f"{srv.url}/p/test-paiement/cs_test_x", timeout=30).status_code == 404
        hook = httpx.post(f"{srv.url}/p/paiements/webhook", content=b"{}", timeout=30)
        assert hook.status_code == 404


def test_serve_refuses_stripe_without_its_webhook_secret(tmp_path: Path) -> None:
    srv = LiveServer(env={"VOUCHER_SERVER_PAYMENTS": "", "VOUCHER_SERVER_STRIPE_SECRET_KEY": "sk_test_x"},
                     startup_timeout=30)
    try:
        with pytest.raises(ServerProcessError):
            srv.start()
        assert "VOUCHER_SERVER_STRIPE_WEBHOOK_SECRET" in srv.log_tail()
    finally:
        srv.close()


def test_serve_with_test_payments_asked_for_completes_a_purchase() -> None:
    with LiveServer(workers=2, env={"VOUCHER_SERVER_PAYMENTS": "test"}) as srv:
        _sell_online(srv.db_url)
        with httpx.Client(base_url=srv.url, timeout=30) as c:
            page = c.get("/p/achat/BOOST24")
            assert page.status_code == 200 and "MODE TEST" in page.text
            r = c.post("/p/achat/BOOST24", data={"email": "pia@example.fr", "quantity": "2"})
            assert r.status_code == 303
            done = c.post(r.headers["location"].replace(srv.url, ""), data={"action": "pay"})
            assert done.status_code == 303
            order = c.get(done.headers["location"])
            assert 'data-order-state="paid"' in order.text and order.text.count("voucher-card") == 2
        db = Database(srv.db_url)
        try:
            with db.reading() as s:
                assert s.scalar(select(func.count()).select_from(OnlineOrderVoucher)) == 2
        finally:
            db.dispose()
