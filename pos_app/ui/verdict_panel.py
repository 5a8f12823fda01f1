"""The big verdict panel: colour AND icon AND words, amount, campaign, online/offline badge.

Readable from a metre away; the next verdict simply replaces it (no dialog to close)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from voucher_core.money import format_cents
from voucher_core.verdicts import Mode, Verdict, VerdictDetail

from . import words
from .resources import svg_pixmap

# green = take it, orange = try again / ask, red = refuse. Colours are doubled by icon and words.
LEVEL_STYLE = {
    "idle": ("#eeeeee", "#222222", "idle"),
    "busy": ("#dde6f0", "#102030", "idle"),
    "accepted": ("#1b7f2a", "#ffffff", "accepted"),
    "warning": ("#b85c00", "#ffffff", "warning"),
    "refused": ("#b3121f", "#ffffff", "refused"),
}
WARNING_VERDICTS = {Verdict.MALFORMED, Verdict.NOT_YET_VALID, Verdict.OFFLINE_REFUSED}


def level_of(verdict: Verdict) -> str:
    if verdict is Verdict.ACCEPTED:
        return "accepted"
    return "warning" if verdict in WARNING_VERDICTS else "refused"


class VerdictPanel(QFrame):
    """Shows one verdict at a time. ``level`` and ``headline`` are kept for tests and screenshots."""

    def __init__(self, parent: QWidget | None = None, lang: str = "fr") -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.lang = lang
        self.level = "idle"
        self.verdict: Verdict | None = None
        self.mode: Mode | None = None
        self._state: tuple = ("idle",)
        self.icon = QLabel()
        self.icon.setFixedSize(120, 120)
        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.headline.setWordWrap(True)
        self.amount = QLabel()
        self.amount.setObjectName("verdictAmount")
        self.detail = QLabel()
        self.detail.setObjectName("verdictDetail")
        self.detail.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setObjectName("modeBadge")
        text_box = QVBoxLayout()
        text_box.addWidget(self.headline)
        text_box.addWidget(self.amount)
        text_box.addWidget(self.detail)
        text_box.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text_box, 1)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.setMinimumHeight(190)
        self.show_idle()

    # --- words ----------------------------------------------------------------------------------------
    def headline_for(self, verdict: Verdict, redeemed: bool) -> str:
        if verdict is Verdict.ACCEPTED:
            return self.tr("✓ REDEEMED") if redeemed else self.tr("✓ VALID — press Enter to redeem")
        words_of = {
            Verdict.ALREADY_REDEEMED: self.tr("✗ ALREADY REDEEMED"),
            Verdict.EXPIRED: self.tr("✗ EXPIRED"),
            Verdict.NOT_YET_VALID: self.tr("! NOT VALID YET"),
            Verdict.NOT_ACTIVATED: self.tr("✗ NOT ACTIVATED (not sold)"),
            Verdict.UNKNOWN: self.tr("✗ UNKNOWN VOUCHER"),
            Verdict.FORGED: self.tr("✗ FORGED CODE"),
            Verdict.NOT_ACCEPTED_HERE: self.tr("✗ NOT ACCEPTED IN THIS SHOP"),
            Verdict.BLOCKED: self.tr("✗ BLOCKED VOUCHER"),
            Verdict.MALFORMED: self.tr("! UNREADABLE — scan or type again"),
            Verdict.OFFLINE_REFUSED: self.tr("! OFFLINE — cannot accept now"),
        }
        return words_of.get(verdict) or "✗ " + words.say(verdict.value).upper()

    # --- states ---------------------------------------------------------------------------------------
    def _paint(self, level: str) -> None:
        self.level = level
        bg, fg, icon = LEVEL_STYLE[level]
        self.setStyleSheet(f"#verdictPanel {{ background: {bg}; border-radius: 12px; }}"
                           f"#verdictPanel QLabel {{ color: {fg}; background: transparent; }}")
        ratio = self.devicePixelRatioF() if self.isVisible() else 2.0
        self.icon.setPixmap(svg_pixmap(icon, 120, ratio))

    def show_idle(self) -> None:
        self._state = ("idle",)
        self.verdict = None
        self._paint("idle")
        self.headline.setText(self.tr("Ready: show a voucher to the camera or scan it"))
        self.amount.setText("")
        self.detail.setText("")
        self._set_badge(self.mode)

    def show_busy(self, serial: str = "") -> None:
        self._state = ("busy", serial)
        self._paint("busy")
        self.headline.setText(self.tr("Checking…"))
        self.amount.setText("")
        self.detail.setText(serial)

    def show_error(self, message: str) -> None:
        self._state = ("error", message)
        self.verdict = None
        self._paint("warning")
        self.headline.setText(self.tr("! Problem — try again"))
        self.amount.setText("")
        self.detail.setText(message)

    def show_verdict(self, detail: VerdictDetail, redeemed: bool = False) -> None:
        """Replace whatever is shown by ``detail``."""
        self._state = ("verdict", detail, redeemed)
        self.verdict = detail.verdict
        self._paint(level_of(detail.verdict))
        self.headline.setText(self.headline_for(detail.verdict, redeemed))
        self.amount.setText(format_cents(detail.amount_cents, self.lang) if detail.amount_cents is not None
                            and detail.verdict is Verdict.ACCEPTED else "")
        bits = [detail.campaign_name or detail.campaign_id or "", detail.serial or ""]
        self.detail.setText("\n".join(line for line in ("  ·  ".join(b for b in bits if b),
                                                          words.verdict_facts(detail)) if line))
        self._set_badge(detail.mode)

    def set_mode(self, mode: Mode | None) -> None:
        """Online/offline badge from the status poll (kept until the next verdict)."""
        self._set_badge(mode)

    def _set_badge(self, mode: Mode | None) -> None:
        self.mode = mode
        if mode is Mode.OFFLINE:
            self.badge.setText(self.tr("OFFLINE"))
            self.badge.setStyleSheet("background:#b85c00;color:white;padding:6px;border-radius:6px;font-weight:bold")
        elif mode is Mode.ONLINE:
            self.badge.setText(self.tr("ONLINE"))
            self.badge.setStyleSheet("background:#1b7f2a;color:white;padding:6px;border-radius:6px;font-weight:bold")
        else:
            self.badge.setText("")
            self.badge.setStyleSheet("")

    def retranslate(self) -> None:
        state = self._state
        if state[0] == "idle":
            self.show_idle()
        elif state[0] == "busy":
            self.show_busy(state[1])
        elif state[0] == "error":
            self.show_error(state[1])
        else:
            self.show_verdict(state[1], state[2])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
