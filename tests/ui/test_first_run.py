"""First-run wizard against the real server (token kept in memory in tests, the OS keyring in the app);
window geometry remembered under the till home."""

from __future__ import annotations

from pathlib import Path

from pos_app.api.tokens import MemoryTokenProvider
from pos_app.services.till import Till
from pos_app.ui import i18n
from pos_app.ui import pin as pins
from pos_app.ui.first_run import FirstRunWizard


def test_wizard_configures_till_role_language_pin(server, qtbot, tmp_path: Path) -> None:
    till = Till.open(tmp_path / "new", token_provider=MemoryTokenProvider())
    try:
        i18n.install_language("fr")  # as run_app does before opening the wizard
        wizard = FirstRunWizard(till, lang="fr")
        qtbot.addWidget(wizard)
        wizard.url.setText(server.url)
        wizard.token.setText("wrong-token-123456")
        assert not wizard._configure()
        said = wizard.server_message.text()
        assert "refusé" in said and "wrong-token" not in said  # French words, never the token
        wizard.token.setText(server.token("merchant", 0))
        assert wizard._configure() and till.configured and wizard.token.text() == ""
        for weak in ("12", "0000", "1234", "123456789"):
            wizard.pin.setText(weak)
            assert not wizard._save_role() and wizard.pin_message.text()
        wizard.pin.setText("2468")
        wizard.role.setCurrentIndex(1)  # cashier
        wizard.lang.setCurrentIndex(1)  # English
        assert wizard._save_role()
        assert till.settings.get("ui.role") == "cashier" and wizard.chosen_lang == "en"
        assert pins.check_pin(till.settings, "2468")
        wizard.scan_test.setText("000000420011")
        wizard._scanner_tested()
        assert "000000420011" in wizard.scan_result.text()
        wizard.close()
    finally:
        till.close()


def test_window_geometry_is_remembered(make_till, make_window, qtbot) -> None:
    till = make_till()
    win = make_window(till)
    win.resize(700, 500)  # within the offscreen screen (restoreGeometry keeps it on screen)
    qtbot.waitUntil(lambda: win.width() == 700)
    win.close()
    assert (till.home / "ui.ini").is_file()
    again = make_window(till)
    assert (again.width(), again.height()) == (700, 500)
