"""The till as a cashier uses it, through real widgets and real key events against the real server: Ctrl+Z with
text in the field, checks finishing out of order, typing while the camera reads another code, pausing the
camera and changing its setting live, a wrong token then an outage, and the messages that used to mislead."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.scanning.synth import voucher_video
from pos_app.services.till import Till
from voucher_core.verdicts import Verdict
from voucher_server.testing import LiveServer

from .conftest import SlowProxy, Vouchers, point_at

WAIT = 30000  # ms: generous, the machine is shared (not a speed assertion)


def _activate(win, qtbot) -> None:
    """Window shortcuts (Ctrl+Z, F4) need the active window, as on a real desktop."""
    win.raise_()
    win.activateWindow()
    win.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def test_ctrl_z_undoes_the_redemption_even_with_text_in_the_field(make_till, make_window, vouchers, qtbot) -> None:
    till = make_till()
    win = make_window(till)
    _activate(win, qtbot)
    cashier = win.cashier
    v = vouchers.take()
    cashier.manual.setFocus()
    qtbot.keyClicks(cashier.manual, v["serial"])
    qtbot.keyClick(cashier.manual, Qt.Key.Key_Return)  # checks it
    qtbot.waitUntil(lambda: cashier.pending_code is not None, timeout=WAIT)
    qtbot.keyClick(cashier.manual, Qt.Key.Key_Return)  # the field is empty: Enter redeems what is shown
    qtbot.waitUntil(lambda: cashier.today == (1, 1200), timeout=WAIT)
    qtbot.keyClicks(cashier.manual, "4200", delay=80)  # the next customer's number, typed by a person
    qtbot.waitUntil(lambda: cashier.manual.text() == "4200", timeout=WAIT)
    qtbot.keyClick(cashier.manual, "z", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: cashier.today == (0, 0), timeout=WAIT)
    assert cashier.manual.text() == "4200"  # Ctrl+Z undid the redemption, not the typing
    assert "void" in [str(e.kind) for e in till.ledger.entries()]
    assert "annulé" in cashier.info.text().lower()


def test_checks_finishing_out_of_order_never_arm_the_older_code(make_till, make_window, vouchers, server,
                                                                qtbot) -> None:
    till = make_till()
    slow, fast = vouchers.take(), vouchers.take()
    proxy = SlowProxy(int(server.url.rsplit(":", 1)[1]), delay=2.0)
    try:
        point_at(till, proxy.url)
        win = make_window(till)
        cashier = win.cashier
        seen = []
        cashier.checked.connect(lambda d: seen.append(d.serial))
        cashier.on_code(slow["code"], "camera")  # answered in 2 s
        qtbot.waitUntil(lambda: proxy.connections >= 1, timeout=WAIT)
        point_at(till, server.url)
        cashier.on_code(fast["code"], "scanner")  # answered at once, before the first
        qtbot.waitUntil(lambda: cashier.pending_code == fast["code"], timeout=WAIT)
        qtbot.waitUntil(lambda: win.ctx.runner.busy == 0, timeout=WAIT)  # the slow answer came, and was dropped
        assert seen == [fast["serial"]] and cashier.pending_code == fast["code"]
        assert fast["serial"] in cashier.panel.detail.text() and slow["serial"] not in cashier.panel.detail.text()
        with qtbot.waitSignal(cashier.redeemed, timeout=WAIT) as done:
            cashier.enter()
        assert done.args[0].verdict.serial == fast["serial"]
    finally:
        proxy.close()


def test_typing_holds_the_camera_off_then_pause_and_live_setting(make_till, make_window, vouchers, qtbot,
                                                                 tmp_path: Path) -> None:
    till = make_till()
    seen_by_camera, typed = vouchers.take(), vouchers.take()
    video = voucher_video(tmp_path / "cam.avi", [seen_by_camera["code"]], fps=15, rest_s=2.0).path
    till.settings.set("ui.camera", str(video))
    win = make_window(till)  # the saved camera setting
    _activate(win, qtbot)
    cashier = win.cashier
    camera_reads = []
    win.scanner.scanned.connect(camera_reads.append)
    checked = []
    cashier.checked.connect(lambda d: checked.append(d.serial))
    cashier.manual.setFocus()
    qtbot.keyClicks(cashier.manual, typed["serial"][:3], delay=80)  # the cashier starts typing...
    qtbot.waitUntil(lambda: bool(camera_reads), timeout=WAIT)  # ...while the camera reads another voucher
    qtbot.keyClicks(cashier.manual, typed["serial"][3:], delay=80)
    qtbot.keyClick(cashier.manual, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cashier.pending_code is not None, timeout=WAIT)
    assert checked == [typed["serial"]]
    assert not cashier.on_code(seen_by_camera["code"], "camera")  # the typed code waits for Enter: camera held
    with qtbot.waitSignal(cashier.redeemed, timeout=WAIT) as done:
        qtbot.keyClick(cashier.manual, Qt.Key.Key_Return)
    assert done.args[0].verdict.serial == typed["serial"]
    # F4 pauses the camera (released) and resumes it
    qtbot.keyClick(cashier.manual, Qt.Key.Key_F4)
    assert win.camera_paused and win.scanner is None and "F4" in cashier.pause_button.text()
    qtbot.keyClick(cashier.manual, Qt.Key.Key_F4)
    assert not win.camera_paused and win.scanner is not None and win.scanner.running
    # emptying the camera setting in Gestion stops it at once, no restart
    settings = win.owner.settings
    settings.camera_edit.setText("")
    with qtbot.waitSignal(win.owner.settings_saved, timeout=WAIT):
        settings.save_button.click()
    assert win.scanner is None and not cashier.pause_button.isEnabled()


def test_wrong_token_then_outage_still_accepts_offline(tmp_path: Path, make_window, qtbot) -> None:
    with LiveServer() as own:
        tokens = MemoryTokenProvider()
        till = Till.open(tmp_path / "t", token_provider=tokens)
        try:
            till.configure(own.url, own.token("merchant", 0))
            assert till.sync.sync_once().ok
            first, second = Vouchers(own.seed).take(), Vouchers(own.seed).take("active")
            win = make_window(till)
            cashier = win.cashier
            tokens.set("wrong-token-000000000000")  # e.g. POS_APP_TOKEN=wrong for one call
            cashier.on_code(first["code"])
            qtbot.waitUntil(lambda: cashier.panel.verdict is Verdict.OFFLINE_REFUSED, timeout=WAIT)
            win.refresh_status()
            qtbot.waitUntil(lambda: win.status.auth.isVisibleTo(win), timeout=WAIT)
            assert "Jeton refusé" in win.status.auth.text()
            tokens.set(own.token("merchant", 0))  # the right token again: the next call lifts the block
            cashier.on_code(first["code"])
            qtbot.waitUntil(lambda: cashier.panel.verdict is Verdict.ACCEPTED, timeout=WAIT)
            assert till.network.auth_blocked() is None
            win.refresh_status()
            qtbot.waitUntil(lambda: not win.status.auth.isVisibleTo(win), timeout=WAIT)
            own.stop()  # then the server goes down: offline acceptance works
            cashier.on_code(second["code"])
            qtbot.waitUntil(lambda: cashier.pending_code is not None, timeout=WAIT)
            with qtbot.waitSignal(cashier.redeemed, timeout=WAIT) as done:
                cashier.enter()
            assert done.args[0].verdict.accepted and done.args[0].verdict.mode.value == "offline"
        finally:
            win.close()
            till.close()


def test_messages_say_what_happened(make_till, make_window, server, qtbot) -> None:
    till = make_till()
    win = make_window(till)
    cashier = win.cashier
    cashier.manual.setFocus()
    qtbot.keyClicks(cashier.manual, "0000042", delay=80)  # too short: the field keeps it, the hint says why
    qtbot.keyClick(cashier.manual, Qt.Key.Key_Return)
    assert cashier.manual.text() == "0000042"
    assert cashier.hint.text() == "Il manque 13 chiffres (5 sur un ancien bon à 12 chiffres)"
    cashier.clear()
    cashier.on_code("abc")  # unreadable: decided here, so never "vérifié en ligne"
    qtbot.waitUntil(lambda: cashier.panel.verdict is Verdict.MALFORMED, timeout=WAIT)
    assert "vérifié" not in cashier.panel.detail.text() and cashier.panel.detail.text()
    expired = Vouchers(server.seed, campaign="PRINTEMPS").take()
    cashier.on_code(expired["code"])
    qtbot.waitUntil(lambda: cashier.panel.verdict is Verdict.EXPIRED, timeout=WAIT)
    assert "dernier jour de validité" in cashier.panel.detail.text()  # since when
    cashier.clear()  # Esc: "Prêt" never leaves Encaisser enabled
    assert cashier.panel.headline.text().startswith("Prêt") and not cashier.redeem_button.isEnabled()
