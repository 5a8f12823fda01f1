"""Every screen in French and in English, with no word of the other language: Caisse with every verdict, Vente
with a receipt and a refusal, the PIN set-up and lock, each Gestion tab, the status bar, the first-run wizard, the
demo's toolbar, and Qt's own file dialog. The words of each language are read from fr.ts (English sources, French
translations); data (shop and campaign names, numbers) is left out of the check."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from pos_app.services.redemption import VoidOutcome, VoidResult
from pos_app.services.sale import SaleOutcome, SaleVerdict
from pos_app.ui import i18n
from voucher_core.timeutil import utc_now
from voucher_core.verdicts import Mode, Verdict, VerdictDetail

REPO = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
ACCENTS = re.compile(r"[éèêëàâçùûôîïœÉÈÀÇ]")
# data the screens show as is: key fingerprints, terminal names ("Caisse 2" is the server's name for a till)
DATA = re.compile(r"[0-9A-F]{4}(?::[0-9A-F]{4})+|Caisse \d+")


def _words(texts: list[str]) -> set[str]:
    return {w.lower() for t in texts for w in WORD.findall(t.replace("&", "")) if len(w) > 1}


def _vocabularies() -> tuple[set[str], set[str]]:
    """(words only English uses, words only French uses) across the app's catalogue."""
    sources, translations = [], []
    for message in ET.parse(REPO / "resources" / "translations" / "fr.ts").iter("message"):
        sources.append(message.findtext("source") or "")
        translations.append(message.findtext("translation") or "")
    en, fr = _words(sources), _words(translations)
    shared = {"pdf", "csv", "url", "id", "min", "ms", "ok", "webcam", "type", "code", "date", "campagne", "moment",
              "plus"}  # words both languages write the same
    return en - fr - shared, fr - en - shared


def _texts(root: QWidget) -> list[str]:
    out = [root.windowTitle()]
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
        if isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        if isinstance(w, QTextBrowser):
            out.append(w.toPlainText())
        if isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        if isinstance(w, QTableWidget):
            out += [w.horizontalHeaderItem(i).text() for i in range(w.columnCount()) if w.horizontalHeaderItem(i)]
    return [t for t in out if t]


def _foreign(texts: list[str], lang: str, data: list[str]) -> list[str]:
    english_only, french_only = _vocabularies()
    bad = []
    for text in texts:
        for value in data:
            text = text.replace(value, "")
        text = DATA.sub("", text)
        words = _words([text])
        if lang == "fr" and words & english_only:
            where = [line for line in text.splitlines() if _words([line]) & english_only]
            bad.append(f"{where[:3]!r}: {sorted(words & english_only)}")
        if lang == "en" and (words & french_only or ACCENTS.search(text)):
            where = [line for line in text.splitlines() if _words([line]) & french_only or ACCENTS.search(line)]
            bad.append(f"{where[:3]!r}: {sorted(words & french_only)}")
    return bad


def _verdicts(serial: str) -> list[VerdictDetail]:
    today = date.today()
    base: dict[str, Any] = {"serial": serial, "campaign_name": "Chèques Booster", "amount_cents": 1200}
    return [VerdictDetail(Verdict.ACCEPTED, Mode.ONLINE, **base),
            VerdictDetail(Verdict.ALREADY_REDEEMED, Mode.ONLINE, redeemed_at=utc_now(), redeemed_by="Boulangerie",
                          **base),
            VerdictDetail(Verdict.EXPIRED, Mode.OFFLINE, valid_until=today - timedelta(days=3), **base),
            VerdictDetail(Verdict.NOT_YET_VALID, Mode.ONLINE, valid_from=today + timedelta(days=3), **base),
            VerdictDetail(Verdict.MALFORMED, Mode.ONLINE, reason="bad_check_digit"),
            VerdictDetail(Verdict.OFFLINE_REFUSED, Mode.OFFLINE, reason="offline_daily_cap",
                          reason_data={"cap_cents": 50000}, **base),
            VerdictDetail(Verdict.OFFLINE_REFUSED, Mode.OFFLINE, reason="a_code_added_later", **base),
            *[VerdictDetail(v, Mode.ONLINE, **base) for v in (Verdict.NOT_ACTIVATED, Verdict.UNKNOWN, Verdict.FORGED,
                                                             Verdict.NOT_ACCEPTED_HERE, Verdict.BLOCKED)]]


def _render_every_screen(win: Any, qtbot: Any, serial: str) -> list[str]:
    """Put each screen in each of its states and collect what a person would read."""
    texts: list[str] = []
    cashier, seller, owner = win.cashier, win.seller, win.owner
    for i, detail in enumerate(_verdicts(serial)):
        cashier.panel.show_verdict(detail, redeemed=i == 0)
        texts += _texts(cashier)
    cashier._voided(VoidOutcome(False, VoidResult.WINDOW_PASSED, serial, 1200, window_s=600))
    cashier.manual.setText("00000")  # the typing hint
    texts += _texts(cashier)
    cashier.clear()
    money = {"price_cents": 1000, "face_value_cents": 1200, "topup_cents": 200, "campaign_name": "Chèques Booster",
             "valid_from": date.today(), "valid_until": date.today() + timedelta(days=90)}
    seller._checked(seller._seq, SaleOutcome(False, SaleVerdict.ALREADY_SOLD, Mode.ONLINE, None, serial, **money))
    texts += _texts(seller)
    seller.pending = serial
    seller._sold(SaleOutcome(True, SaleVerdict.ACCEPTED, Mode.OFFLINE, "sold_offline", serial,
                             idempotency_key="k" * 32, **money))
    texts += _texts(seller)
    seller.clear()
    for page in (owner.setup_page, owner.lock_page):
        owner.stack.setCurrentWidget(page)
        texts += _texts(page)
    with qtbot.waitSignal(owner.day_loaded, timeout=30000):
        owner._open()
    qtbot.waitUntil(lambda: owner.ledger.table.rowCount() > 0 and win.ctx.runner.busy == 0, timeout=30000)
    for i in range(owner.tabs.count()):
        owner.tabs.setCurrentIndex(i)
        texts += _texts(owner)
    owner.reports.ask_close()
    texts += _texts(owner.reports)
    win.status.show_status(SimpleNamespace(mode="offline", cache_age_s=120.0, outbox_count=2, last_sync_utc=None,
                                           auth_blocked="unauthorized"))
    texts += _texts(win.status) + _texts(win)
    return texts


def test_every_screen_speaks_one_language(make_till, make_window, vouchers, qtbot) -> None:
    from pos_app.demo.window import DemoControls
    from pos_app.ui.first_run import FirstRunWizard

    till = make_till()
    till.settings.set("ui.auto_redeem", True)
    win = make_window(till)
    v = vouchers.take()
    with qtbot.waitSignal(win.cashier.redeemed, timeout=30000):
        win.cashier.on_code(v["code"])  # a line in Gestion's ledger and report
    # the toolbar reads four facts of the demo environment; the real one (a server start) is tested in tests/demo
    env = SimpleNamespace(url="http://127.0.0.1:8000", simulated=True, camera_source=Path("demo.avi"),
                          role="cashier", home=till.home, switch_role=lambda role: None)
    DemoControls(win, env, "fr")  # type: ignore[arg-type]
    commands = ["pos-app verify-ledger", "pos-app verify-archive", "pos-app reset-pin", "pos-app configure"]
    # data, commands and the language chooser's names (each written in its own language, on purpose)
    data = [*commands, "Français", v["serial"], "Chèques Booster", till.identity.merchant_name, "Boulangerie",
            "BOOST24", "Printemps", "127.0.0.1",
            "a_code_added_later", str(till.home)]
    for lang in ("fr", "en"):
        win.set_language(lang)
        qtbot.waitUntil(lambda lang=lang: win.tabs.tabText(0) == ("Caisse (F1)" if lang == "fr" else "Till (F1)"))
        texts = _render_every_screen(win, qtbot, v["serial"])
        wizard = FirstRunWizard(till, lang=lang)
        qtbot.addWidget(wizard)
        texts += _texts(wizard) + [wizard.page(i).title() for i in wizard.pageIds()]
        assert not _foreign(texts, lang, data), f"{lang}: {_foreign(texts, lang, data)}"
        assert any("a_code_added_later" in t for t in texts)  # an unknown code is named inside a sentence...
        assert not any(t.strip() == "a_code_added_later" for t in texts)  # ...never shown alone
        wizard.close()
    # Qt's own dialogs speak French too (qtbase_fr plus the labels it lacks)
    i18n.install_language("fr")
    dialog = QFileDialog(None, "x", str(till.home))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert "&Voir dans :" in labels and not {"&Look in:", "Files of &type:"} & set(labels)
    assert QCoreApplication.translate("QFileDialog", "Look in:") != "Look in:"
    dialog.deleteLater()
