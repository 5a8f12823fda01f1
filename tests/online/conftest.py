"""Fixtures of the online purchase tests: the real server's app served by uvicorn on 127.0.0.1 (TEST payments),
a real local SMTP server (aiosmtpd) that keeps what it receives, and a seeded database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import db_url, pg_server  # noqa: F401  (fixtures reused)

os.environ.setdefault("VOUCHER_SERVER_SECRET", "tests-server-secret")


class Inbox:
    """What the local SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._cond = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._cond:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._cond.notify_all()
        return "250 OK"

    def wait(self, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        """Block until ``count`` messages arrived (a deadline to fail on, not a timed assertion)."""
        end = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} e-mail(s) received, {count} expected")
                self._cond.wait(left)
            return list(self.messages)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    from voucher_server.process import free_port

    box = Inbox()
    port = free_port()
    ctl = Controller(box, hostname="127.0.0.1", port=port)
    ctl.start()
    yield box, port
    ctl.stop()


class Shop:
    """The server's app (create_app, purchase pages mounted) on a real uvicorn socket, TEST payments."""

    def __init__(self, url: str) -> None:
        import uvicorn

        from voucher_server import admin
        from voucher_server.app import create_app
        from voucher_server.config import Settings
        from voucher_server.db import Database, upgrade
        from voucher_server.payments.base import Mode
        from voucher_server.process import free_port
        from voucher_server.services import online_sales

        upgrade(url)
        self.db = Database(url)
        admin.seed_demo(self.db, os.environ["VOUCHER_SERVER_SECRET"])
        self.seed = admin.demo_json(self.db)
        with self.db.writing() as s:
            self.provider_id = online_sales.sell_online(s, "BOOST24", Mode.TEST)
        self.db_url = url
        import dataclasses

        knobs = {"public_rate": 1000.0, "public_burst": 1000.0}  # many pages from 127.0.0.1 in one test
        have = {f.name for f in dataclasses.fields(Settings)}
        self.app = create_app(Settings(db_url=url, secret=os.environ["VOUCHER_SERVER_SECRET"],
                                       **{k: v for k, v in knobs.items() if k in have}))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        end = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > end:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        self.http = httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def token(self, role: str = "merchant", index: int = 0) -> str:
        found = [t for t in self.seed["terminals"] if t["role"] == role and t["in_campaign"]]
        return str(found[index]["token"])

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(30)
        self.db.dispose()


@pytest.fixture
def shop(db_url: str,  # noqa: F811
         inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch,
         tmp_path: Path) -> Iterator[Shop]:
    monkeypatch.setenv("VOUCHER_SERVER_PAYMENTS", "test")
    monkeypatch.setenv("VOUCHER_SERVER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VOUCHER_SERVER_SMTP_PORT", str(inbox[1]))
    monkeypatch.setenv("VOUCHER_SERVER_SMTP_FROM", "bons@ville.example")
    sh = Shop(db_url)
    yield sh
    sh.close()
