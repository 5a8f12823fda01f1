"""Console tests: the real server (LiveServer, its console mounted under /console) driven by Debian's Chromium
through Playwright's Python API. One browser per test module, one fresh browser context (cookies) per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from voucher_server.testing import LiveServer

CHROMIUM = os.environ.get("VOUCHER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ADMIN = ("admin@example.org", "admin password 1")
ACCOUNTANT = ("compta@example.org", "accountant password 1")
# The operator's own account, the debtor of the SEPA transfers paying shops.
OPERATOR_ACCOUNT = {"VOUCHER_SERVER_OPERATOR_NAME": "Office du commerce de Lyon",
                    "VOUCHER_SERVER_OPERATOR_IBAN": "FR1420041010050500013M02606",
                    "VOUCHER_SERVER_OPERATOR_BIC": "PSSTFRPPLYO",
                    # its structured address, which the pain.001.001.09 file requires
                    "VOUCHER_SERVER_OPERATOR_STREET": "Place des Terreaux", "VOUCHER_SERVER_OPERATOR_BUILDING": "1",
                    "VOUCHER_SERVER_OPERATOR_POSTCODE": "69001", "VOUCHER_SERVER_OPERATOR_TOWN": "Lyon",
                    "VOUCHER_SERVER_OPERATOR_COUNTRY": "FR"}


def add_operator(db_url: str, email: str, password: str, role: str) -> None:
    from voucher_server.console.auth import add_operator as add
    from voucher_server.console.models import OperatorRole
    from voucher_server.db import Database

    db = Database(db_url)
    try:
        with db.writing() as s:
            add(s, email, password, OperatorRole(role))
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def server() -> Iterator[LiveServer]:
    """One seeded server for the folder, with an admin and an accountant."""
    with LiveServer(env=OPERATOR_ACCOUNT) as srv:
        add_operator(srv.db_url, *ADMIN, "admin")
        add_operator(srv.db_url, *ACCOUNTANT, "accountant")
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: LiveServer) -> Iterator[Any]:
    """A fresh context (no cookies) at laptop size, in French."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                                  base_url=server.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def login(pg: Any, email: str, password: str) -> None:
    pg.goto("/console/")
    pg.fill("input[name=email]", email)
    pg.fill("input[name=password]", password)
    pg.click("form[action='/console/login'] button[type=submit]")


def error_of(pg: Any, field: str) -> str:
    """The message shown next to a form field."""
    return str(pg.locator(f"#e-{field}").inner_text())
