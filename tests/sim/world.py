"""The simulated campaign's world: a real central API (subprocess on 127.0.0.1, its own SQLite file) with five
shops (seven tills) and two tobacconists (one till each), every till a real till home with its own injected
clock, and the actions the simulation draws from (redeem, void, sell, outage, sync, close)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.books import Books, BooksError
from pos_app.services.till import Till
from voucher_core.timeutil import PARIS, utc_now
from voucher_server import admin
from voucher_server.db import Database, upgrade
from voucher_server.models import Terminal, Voucher
from voucher_server.testing import FaultServer, LiveServer, free_port

REPO = Path(__file__).resolve().parents[2]
SECRET = "campaign-simulation-secret"
CAMPAIGN = "SIMUL26"
DEAD_URL = "http://127.0.0.1:9"  # nothing listens there: a network outage for the till pointed at it
SHOPS = [("Boulangerie Martin", 2), ("Librairie du Centre", 2), ("Fleurs Dupont", 1), ("Boucherie Roux", 1),
         ("Café de la Place", 1)]
TOBACCONISTS = ["Tabac de la Gare", "Tabac du Marché"]


class SimClock:
    """One till's clock, set by the simulation (aware UTC)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), tzinfo=PARIS).astimezone(UTC)


@dataclass
class SimTill:
    name: str
    merchant_id: str
    seller: bool
    token: str
    home: Path
    clock: SimClock
    till: Till = field(init=False)
    books: Books = field(init=False)
    online: bool = True

    def open(self, url: str) -> None:
        self.till = Till.open(self.home, token_provider=MemoryTokenProvider(), clock=self.clock)
        self.till.configure(url, self.token)
        self.books = self.till.books


def build_server(tmp: Path, vouchers: int = 260, stock: int = 140) -> tuple[LiveServer, dict[str, Any]]:
    """The campaign's database (shops, tobacconists, the operator's own sales office for the stock sold before
    the simulation), then the real server on it."""
    url = f"sqlite:///{tmp / 'server.sqlite3'}"
    upgrade(url)
    db = Database(url)
    today = utc_now().date()
    tokens: dict[str, list[tuple[str, str]]] = {}
    with db.writing() as s:
        shop_ids = []
        for name, tills in SHOPS:
            m = admin.add_merchant(s, name, siret=f"{len(shop_ids) + 1:014d}")
            shop_ids.append(m.id)
            tokens[m.id] = [(f"{name} / caisse {n}", admin.add_terminal(s, m.id, f"Caisse {n}")[1])
                            for n in range(1, tills + 1)]
        seller_ids = []
        for name in TOBACCONISTS:
            m = admin.add_merchant(s, name, merchant=False, seller=True)
            seller_ids.append(m.id)
            tokens[m.id] = [(name, admin.add_terminal(s, m.id, "Caisse 1")[1])]
        office = admin.add_merchant(s, "Office du commerce (ventes en nombre)", merchant=False, seller=True)
        office_term, _ = admin.add_terminal(s, office.id, "Guichet")
        admin.create_campaign(s, CAMPAIGN, "Chèques simulation", 1200, 1000, today - timedelta(days=10),
                              today + timedelta(days=60), SECRET, merchant_ids=shop_ids,
                              seller_ids=[*seller_ids, office.id], topup_until=today)  # 10 € from tomorrow
        serials = admin.issue(s, CAMPAIGN, vouchers, secret=SECRET)
        admin.activate_batch(s, serials[:stock], office.id, office_term.id)
    with db.reading() as s:
        codes = {v.serial: v.code for v in s.scalars(select(Voucher)).all()}
        assert s.scalars(select(Terminal)).all()
    db.dispose()
    server = LiveServer(url, seed=False, env={"VOUCHER_SERVER_SECRET": SECRET}).start()
    return server, {"tokens": tokens, "shops": shop_ids, "sellers": seller_ids, "codes": codes,
                    "active": serials[:stock], "issued": serials[stock:], "office": office.id}


class World:
    """The tills, the pools of vouchers, and the actions."""

    def __init__(self, tmp: Path, server: LiveServer, data: dict[str, Any], rng: random.Random) -> None:
        self.server, self.data, self.rng = server, data, rng
        self.codes: dict[str, str] = data["codes"]
        self.active: list[str] = list(data["active"])  # active on the server, not redeemed by the simulation yet
        self.issued: list[str] = list(data["issued"])
        self.tills: list[SimTill] = []
        start = paris(utc_now().date() - timedelta(days=1), 7)
        for mid, tills in data["tokens"].items():
            for name, token in tills:
                st = SimTill(name, mid, mid in data["sellers"], token, tmp / f"till{len(self.tills)}",
                             SimClock(start))
                st.open(server.url)
                self.tills.append(st)
        for st in self.tills:
            assert st.till.sync.sync_once().ok
        self.log: list[str] = []

    # --- network -------------------------------------------------------------------------------------------

    def set_online(self, st: SimTill, online: bool) -> None:
        st.till.settings.set("server_url", self.server.url if online else DEAD_URL)
        if st.till._api is not None:
            st.till._api.close()
        st.till._api = None
        st.online = online
        if online:
            st.till.network.last_failure = None  # back on the network: no need to wait out the offline hold

    def sync(self, st: SimTill) -> None:
        st.till.sync.sync_once()

    # --- shops ---------------------------------------------------------------------------------------------

    def redeem(self, st: SimTill, serial: str | None = None) -> bool:
        if serial is None:
            if not self.active:
                return False
            serial = self.active.pop(self.rng.randrange(len(self.active)))
        typed = self.rng.random() < 0.3  # a cashier types the 12 digits
        out = st.till.redemptions.redeem(serial if typed else self.codes[serial])
        self.log.append(f"{st.name} redeem {serial} {out.verdict.verdict.value} {out.verdict.mode.value}")
        return out.verdict.accepted

    def void_last(self, st: SimTill, minutes: int) -> bool:
        st.clock.now += timedelta(minutes=minutes)
        out = st.till.redemptions.void_last()
        self.log.append(f"{st.name} void +{minutes}min {out.ok} {out.code}")
        return out.ok

    # --- tobacconists --------------------------------------------------------------------------------------

    def sell(self, st: SimTill) -> bool:
        if not self.issued:
            return False
        serial = self.issued.pop(self.rng.randrange(len(self.issued)))
        out = st.till.sales.sell(self.codes[serial])
        self.log.append(f"{st.name} sell {serial} {out.ok} {out.mode}")
        if out.ok and out.mode == "online":
            self.active.append(serial)  # shops can redeem it from now on
        return out.ok

    def void_sale(self, st: SimTill) -> bool:
        out = st.till.sales.void_last()
        self.log.append(f"{st.name} void sale {out.ok} {out.verdict}")
        return out.ok

    # --- books ---------------------------------------------------------------------------------------------

    def close(self, st: SimTill, day: date) -> bool:
        """Close ``day`` and any earlier day still open with activity, in order."""
        closed = {c.period for c in st.books.closings.all("day")}
        try:
            for d in (day - timedelta(days=2), day - timedelta(days=1), day):
                if d.isoformat() not in closed and d <= st.books.paris_today():
                    if d < day and not st.books.day_lines(d):
                        continue
                    st.books.close_day(d)
                    self.log.append(f"{st.name} close {d}")
        except BooksError as exc:
            self.log.append(f"{st.name} close {day} refused: {exc.code}")
            return False
        return True

    # --- a till killed -9 between the server's answer and its own commit -------------------------------------

    def killed_redemption(self, st: SimTill) -> str:
        """``pos-app redeem`` in its own process on this till's home, killed -9 once the server has taken the
        voucher and before the till recorded the answer: the pending entry stays, the next sync settles it."""
        serial = self.active.pop()
        env = dict(os.environ, POS_APP_TOKEN=st.token, PYTHONPATH=str(REPO), POS_APP_TEST_PAUSE_AFTER_SEND="60")
        p = subprocess.Popen([sys.executable, "-m", "pos_app.cli", "--home", str(st.home), "redeem",
                              self.codes[serial]], cwd=str(REPO), env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        headers = {"Authorization": f"Bearer {st.token}"}
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                state = requests.get(f"{self.server.url}/api/v1/vouchers/{serial}", headers=headers,
                                     timeout=5).json().get("state")
                if state == "redeemed":
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the killed till's redemption never reached the server")
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
        self.log.append(f"{st.name} redeem {serial} killed -9 after the server took it")
        return serial

    def killed_before_upload(self, st: SimTill) -> str:
        """``pos-app redeem`` killed -9 after it wrote its pending redemption and before the upload reached the
        server (the request hangs in a proxy that never forwards it): the next sync uploads it."""
        serial = self.active.pop()
        hang = FaultServer("slow", free_port(), delay=30.0)  # forwards nowhere: upstream is a closed port
        st.till.settings.set("server_url", hang.url)
        env = dict(os.environ, POS_APP_TOKEN=st.token, PYTHONPATH=str(REPO))
        p = subprocess.Popen([sys.executable, "-m", "pos_app.cli", "--home", str(st.home), "redeem",
                              self.codes[serial]], cwd=str(REPO), env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                if any(e.voucher == serial for e in st.till.ledger.entries(from_seq=st.till.ledger.head()[0])):
                    break
                time.sleep(0.01)
            else:
                raise AssertionError("the killed till never wrote its pending redemption")
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=10)
            hang.close()
            self.set_online(st, st.online)
        kinds = [e.kind for e in st.till.ledger.entries() if e.voucher == serial]
        assert kinds == ["redemption"], kinds  # written, never uploaded, never judged offline
        self.log.append(f"{st.name} redeem {serial} killed -9 between its write and its upload")
        return serial
