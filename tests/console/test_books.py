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


def test_admin_changes_an_account_the_accountant_cannot(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    page.goto("/console/books")
    version = page.locator("h2").first.inner_text()
    page.select_option("#chart-role", "breakage")
    page.fill("#chart-number", "77X")
    page.fill("#chart-label", "Boni")
    page.click("#chart-save")
    assert "3 à 20 chiffres" in page.locator("#chart-error").inner_text()
    assert "7718" in page.locator("#role-breakage").inner_text()  # refused: nothing changed
    page.select_option("#chart-role", "breakage")
    page.fill("#chart-number", "77181")
    page.fill("#chart-label", "Bons périmés non utilisés")
    page.click("#chart-save")
    assert page.locator("#role-breakage td").all_inner_texts()[1:] == ["77181", "Bons périmés non utilisés"]
    assert page.locator("h2").first.inner_text() != version
    db = Database(server.db_url)
    try:
        with db.reading() as s:
            from voucher_server.console.models import AuditEvent
            from voucher_server.services.chart import Role, current_chart

            assert current_chart(s).accounts[Role.BREAKAGE][0] == "77181"
            assert s.query(AuditEvent).filter_by(action="chart_set", target="chart:breakage").count() == 1
    finally:
        db.dispose()
    page.context.clear_cookies()
    login(page, *ACCOUNTANT)
    page.goto("/console/books")
    assert page.locator("#chart-form").count() == 0
    refused = page.request.post(f"{server.url}/console/books/accounts",
                                form={"role": "breakage", "number": "7718", "label": "Boni"})
    assert refused.status == 403
