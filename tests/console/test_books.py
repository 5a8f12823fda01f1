"""Books page in a real browser: an accountant (read-only elsewhere) and an admin download the period's FEC, the
export is recorded with the file's SHA-256, the chart of accounts in force is shown, and a recorded export
downloads again byte for byte."""

from __future__ import annotations

import hashlib
from typing import Any

from voucher_core.timeutil import business_day, utc_now
from voucher_server.db import Database
from voucher_server.services.fec_files import COLUMNS, export_history
from voucher_server.testing import LiveServer

from .conftest import ACCOUNTANT, ADMIN, login


def test_accountant_and_admin_download_the_fec(page: Any, server: LiveServer) -> None:
    today = business_day(utc_now())
    q = f"from={today.replace(month=1, day=1).isoformat()}&to={today.isoformat()}"
    for who in (ACCOUNTANT, ADMIN):
        page.context.clear_cookies()
        login(page, *who)
        page.goto(f"/console/books?{q}")
        assert page.locator("h1").inner_text() == "Comptabilité : export FEC"
        assert "4675" in page.locator("#role-holders").inner_text()
        assert page.locator("#role-bank_fees td").all_inner_texts() == [
            "Frais du prestataire de paiement", "627", "Services bancaires et assimilés"]
        got = page.request.get(str(page.locator("#fec").get_attribute("href")))
        assert got.status == 200
        data = got.body()
        lines = data.decode("iso-8859-15").split("\r\n")
        assert len(lines) > 2 and lines[0].split("\t") == list(COLUMNS)
        assert all(len(x.split("\t")) == 18 for x in lines[1:-1])
        db = Database(server.db_url)
        try:
            with db.reading() as s:
                last = export_history(s)[0]
        finally:
            db.dispose()
        assert last.sha256 == hashlib.sha256(data).hexdigest() and last.exported_by == who[0]
        page.reload()
        row = page.locator(f"#export-{last.id}")
        assert who[0] in row.inner_text()
        again = page.request.get(str(row.get_by_role("link").get_attribute("href")))
        assert again.body() == data
    csv = page.request.get(str(page.locator("#fec-csv").get_attribute("href")))
    assert csv.body().startswith(b"\xef\xbb\xbf" + ";".join(COLUMNS).encode())
