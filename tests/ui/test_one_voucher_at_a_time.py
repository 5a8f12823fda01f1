"""Two different vouchers in the camera's view: the till acts on neither and the cashier reads "Un seul bon à la
fois"; once one is taken away, the other is read (real Scanner on a real video file, real server, real widgets)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from pos_app.scanning import synth
from pos_app.scanning.scanner import ScanStatus
from pos_app.ui import i18n, words

WAIT = 30000  # ms: generous, the machine is shared (not a speed assertion)


def _two_then_one(path: Path, code_a: str, code_b: str, *, both: int = 45, alone: int = 60) -> Path:
    """An MJPG video: both vouchers side by side for ``both`` frames, then voucher A alone."""
    bg = synth.counter_scene(5)
    pair, _ = synth.place(bg, synth.voucher_image(code_a), (330, 360), scale=0.9, angle_deg=4)
    pair, _ = synth.place(pair, synth.voucher_image(code_b), (950, 370), scale=0.9, angle_deg=-5)
    single, _ = synth.place(bg, synth.voucher_image(code_a), (330, 360), scale=0.9, angle_deg=4)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (synth.W, synth.H))
    rng = np.random.default_rng(5)
    try:
        for i in range(both + alone):
            frame = pair if i < both else single
            writer.write(np.clip(frame + rng.normal(0, 3, frame.shape), 0, 255).astype(np.uint8))
    finally:
        writer.release()
    return path


def test_two_vouchers_in_view_none_redeemed_and_the_hint_says_one_at_a_time(make_till, make_window, vouchers,
                                                                            qtbot, tmp_path: Path) -> None:
    till = make_till()
    till.settings.set("ui.auto_redeem", True)  # a code the till takes is redeemed at once: nothing may slip by
    a, b = vouchers.take(), vouchers.take()
    video = _two_then_one(tmp_path / "two.avi", a["code"], b["code"])
    previous = words.lang()
    i18n.install_language("fr")
    try:
        win = make_window(till, camera_source=str(video))
        cashier = win.cashier
        redeemed: list[object] = []
        hint_when_redeemed: list[str] = []
        cashier.redeemed.connect(lambda o: (redeemed.append(o), hint_when_redeemed.append(cashier.hint.text())))
        qtbot.waitUntil(lambda: cashier.hint.text() == "Un seul bon à la fois", timeout=WAIT)
        assert words.say(ScanStatus.SEVERAL_VOUCHERS) == "Un seul bon à la fois"
        assert redeemed == [] and cashier.today == (0, 0)
        # voucher B taken away: A alone is read and redeemed, once, and the hint is gone
        qtbot.waitUntil(lambda: len(redeemed) == 1, timeout=WAIT)
        assert hint_when_redeemed == [""]
        qtbot.waitUntil(lambda: cashier.today == (1, 1200), timeout=WAIT)
        redemptions = [e for e in till.ledger.entries() if str(e.kind) == "redemption"]
        assert len(redemptions) == 1
        assert redeemed[0].verdict.serial == a["serial"]
        i18n.install_language("en")
        cashier.camera_status(ScanStatus.SEVERAL_VOUCHERS)
        assert cashier.hint.text() == "One voucher at a time"
    finally:
        i18n.install_language(previous)
    assert len(redeemed) == 1
