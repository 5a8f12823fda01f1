"""Render each screen of the app into docs/screenshots/*.png, under Xvfb:
    xvfb-run -a .venv/bin/python tools/screenshots.py

Uses the real server (voucher_server.testing.LiveServer) and a real till in a temporary home."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "screenshots"


def main() -> int:
    import cv2
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from pos_app.api.tokens import MemoryTokenProvider
    from pos_app.i18n_build import main as build_translations
    from pos_app.scanning.synth import counter_scene, place, voucher_image
    from pos_app.services.till import Till
    from pos_app.ui.app import MainWindow, create_app
    from pos_app.ui.first_run import FirstRunWizard
    from voucher_server.testing import LiveServer

    build_translations()
    app = create_app(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)

    def pump(seconds: float = 0.3, until=None) -> None:
        end = time.monotonic() + (30 if until else seconds)
        while time.monotonic() < end:
            app.processEvents()
            if until is not None and until():
                return
            time.sleep(0.02)

    def shot(widget, name: str) -> None:
        pump(0.3)
        widget.grab().save(str(OUT / f"{name}.png"))
        print("wrote", OUT / f"{name}.png")

    with LiveServer() as server, tempfile.TemporaryDirectory() as tmp:
        active = [v for v in server.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "active"]
        issued = [v for v in server.seed["vouchers"] if v["campaign"] == "BOOST24" and v["state"] == "issued"]
        till = Till.open(Path(tmp) / "till", token_provider=MemoryTokenProvider())
        till.configure(server.url, server.token("merchant", 0))
        till.sync.sync_once()
        till.settings.set("ui.role", None)
        win = MainWindow(till, lang="fr", demo=True, sounds=False, sync_every_ms=0)
        win.resize(1280, 760)
        win.show()
        pump(1.0)
        # a camera frame with a voucher in view, outlined as the decoder would
        v = active[0]
        frame, corners = place(counter_scene(0), voucher_image(v["code"], v["serial"], module_px=6), (640, 360),
                               scale=0.8, angle_deg=3.0)
        small = cv2.cvtColor(cv2.resize(frame, (640, 360)), cv2.COLOR_BGR2RGB)
        img = QImage(small.data, 640, 360, small.strides[0], QImage.Format.Format_RGB888).copy()
        outline = [QPointF(float(x) / 2, float(y) / 2) for x, y in corners]
        c = win.cashier
        c.camera.show_frame(img, [outline])
        shot(win, "caisse-pret")
        c.on_code(v["code"])
        pump(until=lambda: c.panel.level == "accepted")
        c.camera.show_frame(img, [outline])
        shot(win, "caisse-valide")
        c.redeem_pending()
        pump(until=lambda: c.today[0] == 1)
        shot(win, "caisse-encaisse")
        c.on_code(v["code"])
        pump(until=lambda: c.panel.level == "refused")
        shot(win, "caisse-deja-utilise")
        c.on_code("123456789012")
        pump(until=lambda: c.panel.level == "warning")
        shot(win, "caisse-illisible")
        seller_till = Till.open(Path(tmp) / "tabac", token_provider=MemoryTokenProvider())
        seller_till.configure(server.url, server.token("seller", 0))
        seller_till.sync.sync_once()
        seller_till.settings.set("ui.role", "both")
        swin = MainWindow(seller_till, lang="fr", sounds=False, sync_every_ms=0)
        swin.resize(1280, 760)
        swin.show()
        swin.show_screen("seller")
        s = swin.seller
        s.on_code(issued[0]["code"])
        pump(until=lambda: s.outcome is not None)
        s.confirm_cash()
        pump(until=lambda: s.paid and s.totals[0] == 1)
        shot(swin, "vente")
        swin.close()
        seller_till.close()
        win.show_screen("owner")
        shot(win, "gestion-code")
        win.owner.pin_edit.setText("0000")
        win.owner.unlock()
        pump(until=lambda: win.owner.table.rowCount() > 0)
        shot(win, "gestion-journal")
        win.owner.tabs.setCurrentIndex(1)
        shot(win, "gestion-rapport")
        win.owner.tabs.setCurrentIndex(3)
        shot(win, "gestion-reglages")
        win.set_language("en")
        win.show_screen("cashier")
        pump(0.5)
        shot(win, "till-english")
        win.set_language("fr")
        win.close()
        wizard = FirstRunWizard(till, lang="fr")
        wizard.resize(700, 520)
        wizard.show()
        shot(wizard, "premier-lancement")
        wizard.close()
        till.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
