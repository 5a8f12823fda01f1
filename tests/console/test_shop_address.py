"""The shop's structured postal address (which the SEPA pain.001.001.09 file needs) entered in the console's shop
form, in a real browser: refused fields shown next to each field, the saved address read back from the database."""

from __future__ import annotations

from typing import Any

from voucher_server.db import Database
from voucher_server.services.postal import postal_address
from voucher_server.testing import LiveServer

from .conftest import ADMIN, error_of, login

MID = "M0003"  # a shop the SEPA test (test_money) leaves alone


def save(page: Any) -> None:
    page.click(f"form[action='/console/merchants/{MID}'] button")


def test_shop_form_takes_a_structured_address(page: Any, server: LiveServer) -> None:
    login(page, *ADMIN)
    page.goto(f"/console/merchants/{MID}")
    assert page.get_by_text("Adresse structurée (virements SEPA)").count() == 1
    page.fill("input[name=street_name]", "Rue du Bœuf")
    page.fill("input[name=post_code]", "")
    page.fill("input[name=town_name]", "")
    page.fill("input[name=country]", "F1")
    save(page)
    assert error_of(page, "post_code") == "Champ obligatoire."
    assert error_of(page, "town_name") == "Champ obligatoire."
    assert error_of(page, "country") == "Code pays à 2 lettres (FR, BE…)."
    db = Database(server.db_url)
    try:
        with db.reading() as s:
            assert postal_address(s, MID) is None  # nothing half-saved
        page.fill("input[name=building_number]", "7")
        page.fill("input[name=post_code]", "69005")
        page.fill("input[name=town_name]", "Lyon")
        page.fill("input[name=country]", "fr")
        save(page)
        assert page.locator("p.notice").inner_text() == "Modification enregistrée."
        assert page.input_value("input[name=street_name]") == "Rue du Bœuf"
        assert page.input_value("input[name=country]") == "FR"
        with db.reading() as s:
            row = postal_address(s, MID)
            assert row is not None
            assert (row.street_name, row.building_number, row.post_code, row.town_name, row.country) == \
                ("Rue du Bœuf", "7", "69005", "Lyon", "FR")
    finally:
        db.dispose()
    page.goto(f"/console/audit?target=merchant:{MID}")  # the change is in the audit trail, once
    rows = page.locator("table.audit tbody tr")
    assert rows.count() == 1 and "69005" in rows.inner_text()
