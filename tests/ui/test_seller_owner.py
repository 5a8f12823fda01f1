"""Vente and Gestion flows against the real server: tobacconist sale with receipt; owner PIN, ledger,
close the day, PDF and CSV export; settings; language switch without restart."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from pos_app.ui import pin as pins
from voucher_core.verdicts import Verdict

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
    receipt = seller.receipt.toPlainText()
    assert "Reçu" in receipt and "Campagne" in receipt and "du " in receipt and "au " in receipt  # validity
    assert server_state(server, v["serial"]) == "active"
    qtbot.waitUntil(lambda: seller.totals[1] == 1, timeout=WAIT)
    assert seller.totals[2] == 1000 and seller.totals[3] == 1000
    assert "vendue" in seller.today_label.text()
    assert seller.totals[0].strftime("%d/%m/%Y") in seller.today_label.text()  # the day it counts, named
    # Sold by mistake: Ctrl+Z ("Cancel sale") voids it on the server, even with text typed in the field.
    qtbot.keyClicks(seller.code, "12")
    qtbot.keyClick(seller.code, "z", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not seller.paid, timeout=WAIT)
    assert seller.code.text() == "12"  # the typing was not what Ctrl+Z undid
    assert server_state(server, v["serial"]) == "issued"
    qtbot.waitUntil(lambda: seller.totals[1] == 0, timeout=WAIT)
    assert v["serial"] in seller.result.text() and "10,00" in seller.result.text()


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
    qtbot.waitUntil(lambda: "Non vendu" in seller.result.text(), timeout=WAIT)
    assert "déjà vendu" in seller.result.text() and not seller.cash_button.isEnabled()
    assert sold["serial"] in seller.result.text()  # the refusal names the card


def server_state(server, serial: str) -> str:
    import requests

    r = requests.get(f"{server.url}/api/v1/vouchers/{serial}", timeout=10,
                     headers={"Authorization": f"Bearer {server.token('seller')}"})
    return r.json()["state"]


def test_owner_pin_close_day_and_pdf(make_till, make_window, vouchers, qtbot, tmp_path: Path) -> None:
    till = make_till()
    till.settings.set("ui.auto_redeem", True)
    win = make_window(till)  # a till configured from the CLI: no PIN yet
    voucher = vouchers.take()
    with qtbot.waitSignal(win.cashier.redeemed, timeout=WAIT) as blocker:
        win.cashier.on_code(voucher["code"])
    assert blocker.args[0].verdict.verdict is Verdict.ACCEPTED
    owner = win.owner
    win.show_screen("owner")
    # first opening: choose the PIN (0000 and 1234 refused, typed twice), no default lets anyone in
    setup = owner.setup_page
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is setup, timeout=WAIT)
    assert not owner.unlocked
    for pin, again, said in (("0000", "0000", "facile"), ("1234", "1234", "facile"), ("12", "12", "4 à 8"),
                             ("2580", "2581", "différents")):
        qtbot.keyClicks(setup.new_pin, pin)
        qtbot.keyClick(setup.new_pin, "\r")
        qtbot.keyClicks(setup.again, again)
        qtbot.keyClick(setup.again, "\r")
        assert said in setup.message.text() and not owner.unlocked
        setup.new_pin.clear()
    qtbot.keyClicks(setup.new_pin, "2580")
    qtbot.keyClicks(setup.again, "2580")
    qtbot.keyClick(setup.again, "\r")
    qtbot.waitUntil(lambda: owner.unlocked, timeout=WAIT)  # hashed in a worker, then Gestion opens
    assert pins.check_pin(till.settings, "2580")
    # leaving locks it; the PIN now opens it (checked in a worker)
    win.show_screen("cashier")
    win.show_screen("owner")
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.lock_page, timeout=WAIT)
    qtbot.keyClicks(owner.pin_edit, "1234")
    qtbot.keyClick(owner.pin_edit, "\r")
    qtbot.waitUntil(lambda: owner.pin_message.text() == "Code incorrect.", timeout=WAIT)
    assert not owner.unlocked
    qtbot.keyClicks(owner.pin_edit, "2580")
    qtbot.keyClick(owner.pin_edit, "\r")
    qtbot.waitUntil(lambda: owner.unlocked, timeout=WAIT)
    table = owner.ledger.table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT)
    assert "accepté" in table.item(0, 5).text()
    owner.ledger.filter.setCurrentIndex(2)  # Ventes: none
    assert table.rowCount() == 0
    owner.ledger.filter.setCurrentIndex(0)
    reports = owner.reports
    qtbot.waitUntil(lambda: "12,00" in reports.preview.toPlainText(), timeout=WAIT)
    # the till is online: the report is reconciled with the server, not "not reconciled (offline)"
    report = owner.ledger.report
    assert report.reconciliation is not None and report.reconciliation.counts()["matched"] == 1
    assert "non effectué" not in reports.preview.toPlainText()
    # close the day: two steps, the confirmation names the day; then Caisse and Vente count the next one
    reports.close_button.click()
    assert not reports.confirm_close.isHidden()
    assert owner.day().strftime("%d/%m/%Y") in reports.confirm_close.text()
    with qtbot.waitSignal(owner.closed_day, timeout=WAIT):
        reports.confirm_close.click()
    qtbot.waitUntil(lambda: win.cashier.today == (0, 0), timeout=WAIT)
    # export the PDF and CSV in workers
    with qtbot.waitSignal(owner.exported, timeout=WAIT):
        owner.export("pdf", tmp_path / "day.pdf")
    assert (tmp_path / "day.pdf").read_bytes()[:5] == b"%PDF-"
    with qtbot.waitSignal(owner.exported, timeout=WAIT):
        owner.export("csv", tmp_path / "day.csv")
    assert voucher["serial"] in (tmp_path / "day.csv").read_text(encoding="utf-8")
    # a second closing is refused, in French words (the books give a code)
    reports.close_button.click()
    with qtbot.waitSignal(owner.failed, timeout=WAIT) as failed:
        reports.confirm_close.click()
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
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.lock_page, timeout=WAIT)
    owner.pin_edit.setText("4321")
    owner.unlock()
    qtbot.waitUntil(lambda: owner.unlocked, timeout=WAIT)
    owner.recon.reconcile()
    qtbot.waitUntil(lambda: "Concordants" in owner.recon.recon_text.toPlainText(), timeout=WAIT)
    settings = owner.settings
    settings.auto_redeem.setChecked(True)
    settings.void_window.setValue(60)
    settings.new_pin.setText("1111")  # too easy: refused, nothing saved
    settings.save_button.click()
    assert "facile" in settings.settings_message.text() and not till.settings.get("ui.auto_redeem")
    settings.new_pin.setText("97531")
    with qtbot.waitSignal(owner.settings_saved, timeout=WAIT):  # written in a worker
        settings.save_button.click()
    assert till.settings.get("ui.auto_redeem") is True
    assert win.ctx.void_window_s == 60
    assert pins.check_pin(till.settings, "97531") and not pins.check_pin(till.settings, "4321")


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
    assert win.owner.lock_page.unlock_button.text() == "Unlock"
    win.set_language("fr")
    qtbot.waitUntil(lambda: win.owner.lock_page.unlock_button.text() == "Déverrouiller")


def test_the_owner_report_follows_the_language_on_screen_and_when_opened_again(make_till, make_window, vouchers,
                                                                                qtbot) -> None:
    """Gestion on screen: its day report is rebuilt in the new language at once. Hidden (leaving it locks it): not
    rebuilt meanwhile, and in the new language once it is opened again."""
    till = make_till()
    till.redemptions.redeem(vouchers.take()["code"])
    pins.set_pin(till.settings, "4321")
    win = make_window(till)
    owner, preview = win.owner, win.owner.reports.preview

    def unlock() -> None:
        win.show_screen("owner")
        qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.lock_page, timeout=WAIT)
        owner.pin_edit.setText("4321")
        with qtbot.waitSignal(owner.day_loaded, timeout=WAIT):
            owner.unlock()

    unlock()
    assert "Rapport" in preview.toPlainText()
    with qtbot.waitSignal(owner.day_loaded, timeout=WAIT):
        win.set_language("en")  # on screen: at once
    assert "report" in preview.toPlainText().lower() and "Rapport" not in preview.toPlainText()
    win.show_screen("cashier")
    assert not owner.isVisible() and not owner.unlocked
    loads: list[int] = []
    owner.day_loaded.connect(lambda: loads.append(1))
    win.set_language("fr")
    qtbot.waitUntil(lambda: win.tabs.tabText(0) == "Caisse (F1)", timeout=WAIT)
    qtbot.wait(500)  # time for a reload to come back, had one been started
    assert loads == []
    unlock()
    assert "Rapport" in preview.toPlainText()


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
