"""Vente and Gestion flows against the real server: tobacconist sale with receipt; owner PIN, ledger,
close the day, PDF and CSV export; settings; language switch without restart."""

from __future__ import annotations

from pathlib import Path

from pos_app.core.verdicts import Verdict
from pos_app.ui import pin as pins

WAIT = 30000


def test_tobacconist_sale_with_receipt(make_till, make_window, vouchers, server, qtbot) -> None:
    """Scan → the price to collect (nothing recorded) → cash received → sold, with a receipt."""
    till = make_till("seller")
    win = make_window(till)
    assert win.tabs.currentWidget() is win.seller  # a seller token opens on Vente
    seller = win.seller
    v = vouchers.take("issued")
    qtbot.keyClicks(seller.code, v["serial"])  # typed slowly by a person: goes into the field
    qtbot.keyClick(seller.code, "\r")
    qtbot.waitUntil(seller.cash_button.isEnabled, timeout=WAIT)
    assert "10,00" in seller.result.text() and "12,00" in seller.result.text()
    assert server_state(server, v["serial"]) == "issued"  # not sold before the cash is in
    with qtbot.waitSignal(seller.sold, timeout=WAIT) as blocker:
        seller.cash_button.click()
    outcome = blocker.args[0]
    assert outcome.ok and outcome.price_cents == 1000 and outcome.face_value_cents == 1200
    assert seller.paid and v["serial"] in seller.receipt.toPlainText()
    assert "Reçu" in seller.receipt.toPlainText()
    assert server_state(server, v["serial"]) == "active"
    qtbot.waitUntil(lambda: seller.totals[0] == 1, timeout=WAIT)
    assert seller.totals[1] == 1000 and seller.totals[2] == 1000
    assert "vendue" in seller.today_label.text()
    # Sold by mistake: "Cancel sale" now voids it on the server.
    seller.cancel_button.click()
    qtbot.waitUntil(lambda: not seller.paid, timeout=WAIT)
    assert server_state(server, v["serial"]) == "issued"
    qtbot.waitUntil(lambda: seller.totals[0] == 0, timeout=WAIT)


def test_customer_walks_away_and_refused_cards(make_till, make_window, vouchers, server, qtbot) -> None:
    till = make_till("seller")
    seller = make_window(till).seller
    v = vouchers.take("issued")
    seller.on_code(v["serial"])
    qtbot.waitUntil(seller.cash_button.isEnabled, timeout=WAIT)
    seller.cancel_button.click()  # the customer walks away before paying
    assert "rien n'a été enregistré" in seller.result.text() and not seller.cash_button.isEnabled()
    assert server_state(server, v["serial"]) == "issued"
    assert not till.sales.void_last().ok  # nothing to void: no sale was ever recorded
    sold = vouchers.take("active")  # already sold: refused at the scan, before any money changes hands
    seller.on_code(sold["serial"])
    qtbot.waitUntil(lambda: "Non vendue" in seller.result.text(), timeout=WAIT)
    assert "déjà vendu" in seller.result.text() and not seller.cash_button.isEnabled()


def server_state(server, serial: str) -> str:
    import requests

    r = requests.get(f"{server.url}/api/v1/vouchers/{serial}", timeout=10,
                     headers={"Authorization": f"Bearer {server.token('seller')}"})
    return r.json()["state"]


def test_owner_pin_close_day_and_pdf(make_till, make_window, vouchers, qtbot, tmp_path: Path) -> None:
    till = make_till()
    till.settings.set("ui.auto_redeem", True)
    win = make_window(till, demo=True)  # demo: PIN 0000
    with qtbot.waitSignal(win.cashier.redeemed, timeout=WAIT) as blocker:
        win.cashier.on_code(vouchers.take()["code"])
    assert blocker.args[0].verdict.verdict is Verdict.ACCEPTED
    owner = win.owner
    win.show_screen("owner")
    assert not owner.unlocked
    qtbot.keyClicks(owner.pin_edit, "1234")
    qtbot.keyClick(owner.pin_edit, "\r")
    assert not owner.unlocked and owner.pin_message.text() == "Code incorrect."
    qtbot.keyClicks(owner.pin_edit, "0000")
    qtbot.keyClick(owner.pin_edit, "\r")
    assert owner.unlocked
    qtbot.waitUntil(lambda: owner.table.rowCount() == 1, timeout=WAIT)
    assert "accepté" in owner.table.item(0, 5).text()
    owner.filter.setCurrentIndex(2)  # Ventes: none
    assert owner.table.rowCount() == 0
    owner.filter.setCurrentIndex(0)
    assert "12,00" in owner.preview.toPlainText()
    # the till is online: the report is reconciled with the server, not "not reconciled (offline)"
    assert owner.report.reconciliation is not None and owner.report.reconciliation.counts()["matched"] == 1
    assert "non effectué" not in owner.preview.toPlainText()
    # close the day: two steps, then the report shows the closing
    owner.close_button.click()
    assert not owner.confirm_close.isHidden()
    with qtbot.waitSignal(owner.closed_day, timeout=WAIT):
        owner.confirm_close.click()
    # export the PDF and CSV in workers
    with qtbot.waitSignal(owner.exported, timeout=WAIT):
        owner.export("pdf", tmp_path / "day.pdf")
    assert (tmp_path / "day.pdf").read_bytes()[:5] == b"%PDF-"
    with qtbot.waitSignal(owner.exported, timeout=WAIT):
        owner.export("csv", tmp_path / "day.csv")
    assert "000000" in (tmp_path / "day.csv").read_text(encoding="utf-8")
    # a second closing is refused with the books' French message
    owner.close_button.click()
    with qtbot.waitSignal(owner.failed, timeout=WAIT) as failed:
        owner.confirm_close.click()
    assert "déjà clôturée" in failed.args[0]
    # leaving Gestion locks it again
    win.show_screen("cashier")
    assert not owner.unlocked


def test_reconciliation_and_settings(make_till, make_window, vouchers, qtbot) -> None:
    till = make_till()
    pins.set_pin(till.settings, "4321")
    assert "4321" not in str(till.settings.get(pins.KEY))  # only a salted hash is kept
    win = make_window(till)
    owner = win.owner
    win.show_screen("owner")
    owner.pin_edit.setText("4321")
    owner.unlock()
    assert owner.unlocked
    owner.reconcile()
    qtbot.waitUntil(lambda: "Concordants" in owner.recon_text.toPlainText(), timeout=WAIT)
    owner.auto_redeem.setChecked(True)
    owner.void_window.setValue(60)
    owner.new_pin.setText("98765")
    owner.save_button.click()
    assert till.settings.get("ui.auto_redeem") is True
    assert win.ctx.void_window_s == 60
    assert pins.check_pin(till.settings, "98765") and not pins.check_pin(till.settings, "4321")


def test_language_switch_without_restart(make_till, make_window, qtbot) -> None:
    till = make_till()
    win = make_window(till)
    assert win.tabs.tabText(0) == "Caisse (F1)"
    assert win.cashier.redeem_button.text() == "Encaisser (Entrée)"
    assert win.cashier.panel.headline.text().startswith("Prêt")
    win.set_language("en")
    qtbot.waitUntil(lambda: win.tabs.tabText(0) == "Till (F1)")  # LanguageChange events are delivered
    assert win.cashier.redeem_button.text() == "Redeem (Enter)"
    assert win.cashier.panel.headline.text().startswith("Ready")
    assert win.owner.unlock_button.text() == "Unlock"
    win.set_language("fr")
    qtbot.waitUntil(lambda: win.owner.unlock_button.text() == "Déverrouiller")


def test_keyboard_shortcuts_switch_screens(make_till, make_window, qtbot) -> None:
    from PySide6.QtCore import Qt

    till = make_till()
    win = make_window(till)
    from PySide6.QtWidgets import QApplication

    win.raise_()
    win.activateWindow()
    win.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)  # window shortcuts need the active window
    win.cashier.manual.setFocus()
    qtbot.keyClick(win.cashier.manual, Qt.Key.Key_F3)
    assert win.tabs.currentWidget() is win.owner
    qtbot.keyClick(win.owner.pin_edit, Qt.Key.Key_F1)
    assert win.tabs.currentWidget() is win.cashier
    win.cashier.manual.setText("12")
    qtbot.keyClick(win.cashier.manual, Qt.Key.Key_Escape)
    assert win.cashier.manual.text() == ""
