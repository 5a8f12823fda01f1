"""Render every screen of the app, in French (docs/screenshots/*.png) and in English (docs/screenshots/en/), under
Xvfb:
    xvfb-run -a .venv/bin/python tools/screenshots.py

Uses the real server (voucher_server.testing.LiveServer) and real tills in a temporary home: the verdicts, Vente's
receipt and a refusal, the PIN set-up and lock, each Gestion tab, the first-run wizard's pages."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"


class Camera:
    """Takes the pictures: pumps the event loop, then grabs a widget into the language's folder."""

    def __init__(self, app: Any) -> None:
        self.app, self.lang = app, "fr"

    def pump(self, seconds: float = 0.3, until: Callable[[], bool] | None = None) -> None:
        end = time.monotonic() + (30 if until else seconds)
        while time.monotonic() < end:
            self.app.processEvents()
            if until is not None and until():
                return
            time.sleep(0.02)
        if until is not None:
            raise RuntimeError("screenshots: the screen never reached the state to show")

    def shot(self, widget: Any, name: str) -> None:
        self.pump(0.4)
        folder = OUT if self.lang == "fr" else OUT / self.lang
        folder.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(folder / f"{name}.png"))
        print("wrote", folder / f"{name}.png")


def camera_frame(code: str, serial: str) -> tuple[Any, list[Any]]:
    """A counter with a voucher in view, and its outline as the decoder would draw it."""
    import cv2
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage

    from pos_app.scanning.synth import counter_scene, place, voucher_image

    frame, corners = place(counter_scene(0), voucher_image(code, serial, module_px=6), (640, 360), scale=0.8,
                           angle_deg=3.0)
    small = cv2.cvtColor(cv2.resize(frame, (640, 360)), cv2.COLOR_BGR2RGB)
    img = QImage(small.data, 640, 360, small.strides[0], QImage.Format.Format_RGB888).copy()
    return img, [[QPointF(float(x) / 2, float(y) / 2) for x, y in corners]]


def shoot_cashier(cam: Camera, win: Any, voucher: dict[str, Any], expired: dict[str, Any]) -> None:
    c = win.cashier
    img, outline = camera_frame(voucher["code"], voucher["serial"])
    win.show_screen("cashier")
    c.clear()
    c.camera.show_frame(img, outline)
    cam.shot(win, "caisse-pret")
    c.on_code(voucher["code"])
    cam.pump(until=lambda: c.panel.level == "accepted")
    c.camera.show_frame(img, outline)
    cam.shot(win, "caisse-valide")
    c.redeem_pending()
    cam.pump(until=lambda: c.panel.headline.text().startswith("✓") and c.undo_button.isEnabled())
    cam.shot(win, "caisse-encaisse")
    c.on_code(voucher["code"])
    cam.pump(until=lambda: c.panel.level == "refused")
    cam.shot(win, "caisse-deja-utilise")
    c.on_code(expired["code"])
    cam.pump(until=lambda: c.panel.verdict is not None and c.panel.verdict.value == "expired")
    cam.shot(win, "caisse-expire")
    c.on_code("123456789012")
    cam.pump(until=lambda: c.panel.level == "warning")
    cam.shot(win, "caisse-illisible")
    c.clear()


def shoot_seller(cam: Camera, swin: Any, card: dict[str, Any], sold: dict[str, Any]) -> None:
    s = swin.seller
    swin.show_screen("seller")
    s.clear()
    s.on_code(sold["code"])
    cam.pump(until=lambda: s.outcome is not None)
    cam.shot(swin, "vente-refus")
    s.on_code(card["code"])
    cam.pump(until=lambda: s.outcome is not None and s.cash_button.isEnabled())
    cam.shot(swin, "vente-a-encaisser")
    s.confirm_cash()
    cam.pump(until=lambda: s.paid and s.totals[1] >= 1)
    cam.shot(swin, "vente")


def shoot_owner(cam: Camera, win: Any, pin: str) -> None:
    from pos_app.ui import pin as pins

    owner = win.owner
    pins.reset_pin(win.ctx.till.settings)  # as `pos-app reset-pin` does: the set-up page first
    win.show_screen("owner")
    owner.lock()
    cam.pump(until=lambda: owner.stack.currentWidget() is owner.setup_page)
    owner.setup_page.new_pin.setText("1234")
    owner.setup_page.save()
    cam.shot(win, "gestion-code-creation")
    owner.setup_page.new_pin.setText(pin)
    owner.setup_page.again.setText(pin)
    owner.setup_page.save()
    cam.pump(until=lambda: owner.unlocked)
    win.show_screen("cashier")
    win.show_screen("owner")
    cam.pump(until=lambda: owner.stack.currentWidget() is owner.lock_page)
    cam.shot(win, "gestion-code")
    owner.pin_edit.setText(pin)
    owner.unlock()
    cam.pump(until=lambda: owner.unlocked and owner.ledger.table.rowCount() > 0)
    for index, name in enumerate(("gestion-journal", "gestion-rapport", "gestion-rapprochement",
                                  "gestion-reglages")):
        owner.tabs.setCurrentIndex(index)
        if index == 1:
            owner.reports.ask_close()
        if index == 2:
            owner.recon.reconcile()
            cam.pump(until=lambda: "…" not in owner.recon.recon_text.toPlainText())
        cam.shot(win, name)
    owner.reports.day_changed()
    owner.tabs.setCurrentIndex(0)


def shoot_wizard(cam: Camera, till: Any) -> None:
    from pos_app.ui.first_run import FirstRunWizard

    wizard = FirstRunWizard(till, lang=cam.lang)
    wizard.resize(760, 560)
    wizard.show()
    cam.shot(wizard, "premier-lancement")
    wizard.pin.setText("0000")
    for page in (1, 2):
        wizard.setStartId(page)
        wizard.restart()
        if page == 1:
            wizard._save_role()
        cam.shot(wizard, f"premier-lancement-{page + 1}")
    wizard.close()


def open_till(home: Path, server: Any, role: str, screens: str) -> Any:
    from pos_app.api.tokens import MemoryTokenProvider
    from pos_app.services.till import Till

    till = Till.open(home, token_provider=MemoryTokenProvider())
    till.configure(server.url, server.token(role, 0))
    till.sync.sync_once()
    till.settings.set("ui.role", screens)
    return till


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from pos_app.i18n_build import main as build_translations
    from pos_app.ui.app import MainWindow, create_app
    from voucher_server.testing import LiveServer, SeedVouchers

    build_translations()
    cam = Camera(create_app(sys.argv[:1]))
    with LiveServer() as server, tempfile.TemporaryDirectory() as tmp:
        vouchers, old = SeedVouchers(server.seed), SeedVouchers(server.seed, campaign="PRINTEMPS")
        till = open_till(Path(tmp) / "till", server, "merchant", "cashier")
        seller_till = open_till(Path(tmp) / "tabac", server, "seller", "both")
        win = MainWindow(till, lang="fr", sounds=False, sync_every_ms=0)
        swin = MainWindow(seller_till, lang="fr", sounds=False, sync_every_ms=0)
        for w in (win, swin):
            w.showNormal()
            w.resize(1280, 760)
        for lang in ("fr", "en"):
            cam.lang = lang
            for w in (win, swin):
                w.set_language(lang)
            shoot_cashier(cam, win, vouchers.take(), old.take())
            shoot_seller(cam, swin, vouchers.take("issued"), vouchers.take())
            shoot_owner(cam, win, "2580")
            shoot_wizard(cam, till)
        for w in (win, swin):
            w.close()
        seller_till.close()
        till.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
