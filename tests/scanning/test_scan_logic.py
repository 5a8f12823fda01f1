"""Pure parts: debounce, wedge state machine, manual entry."""

from __future__ import annotations

from pos_app.scanning.debounce import Debouncer
from pos_app.scanning.manual import EntryState, ManualEntry
from pos_app.scanning.wedge import WedgeAction, WedgeDetector
from voucher_core.codes import make_serial, page_url, parse_code

AZERTY_DIGITS = dict(zip("1234567890", "&é\"'(-è_çà", strict=True))


def test_debounce_one_event_while_held_then_again_after_leaving() -> None:
    d = Debouncer(pause_s=10, absent_s=0.3)
    events = []
    t = 0.0
    for i in range(60):  # 2 s in view at 30 fps, with a missed decode every 7th frame
        t = i * 33.3
        events += d.feed([] if i % 7 == 3 else ["A"], t)
    assert events == ["A"]
    for _ in range(15):  # 0.5 s away
        t += 33.3
        events += d.feed([], t)
    events += d.feed(["A"], t + 33.3)
    assert events == ["A", "A"]


def test_debounce_pause_repeats_and_two_vouchers() -> None:
    d = Debouncer(pause_s=1.0)
    got = [e for i in range(70) for e in d.feed(["A"], i * 33.3)]
    assert got == ["A", "A", "A"]  # t=0, ~1 s, ~2 s
    d2 = Debouncer(pause_s=0)
    got = [e for i in range(20) for e in d2.feed(["A"] if i < 10 else ["B"], i * 33.3)]
    assert got == ["A", "B"]
    assert Debouncer().feed([], 0) == []


def test_debounce_confirm_frames() -> None:
    d = Debouncer(confirm_frames=2)
    assert d.feed(["A"], 0) == []
    assert d.feed(["A"], 33) == ["A"]
    assert d.feed(["X"], 66) == [] and d.feed([], 99) == [] and d.feed(["X"], 132) == []


def _feed(det: WedgeDetector, text: str, gap_ms: float, end: bool = True):
    t = 1000.0
    results = []
    for ch in text:
        results.append(det.key(ch, t))
        t += gap_ms
    if end:
        results.append(det.end(t))
    return results


def test_wedge_burst_is_a_scan_and_typing_is_not() -> None:
    serial = make_serial(4242)
    res = _feed(WedgeDetector(), serial, 5)
    assert all(r.action is WedgeAction.HOLD for r in res[:-1])
    assert res[-1].action is WedgeAction.SCAN and res[-1].text == serial
    res = _feed(WedgeDetector(), "123", 150)
    assert res[-1].action is not WedgeAction.SCAN
    released = [k for r in res for k in r.keys if r.action is WedgeAction.RELEASE]
    assert "".join(released) == "123"  # every typed key given back, in order


def test_wedge_short_burst_ignored_and_us_on_azerty() -> None:
    res = _feed(WedgeDetector(min_len=3), "12", 5)
    assert res[-1].action is WedgeAction.RELEASE and res[-1].keys == ["1", "2"]
    serial = make_serial(98765)
    scrambled = "".join(AZERTY_DIGITS[c] for c in serial)
    res = _feed(WedgeDetector(), scrambled, 4)
    assert res[-1].action is WedgeAction.SCAN
    assert parse_code(res[-1].text).serial == serial


def test_wedge_timeout_releases() -> None:
    det = WedgeDetector(max_gap_ms=30)
    assert det.key("a", 0).action is WedgeAction.HOLD
    assert det.timeout(10).action is WedgeAction.PASS
    r = det.timeout(50)
    assert r.action is WedgeAction.RELEASE and r.keys == ["a"]
    assert not det.holding


def test_manual_entry_states() -> None:
    serial = make_serial(31337)
    m = ManualEntry()
    assert m.status.state is EntryState.EMPTY
    assert m.set_text(serial[:5]).state is EntryState.INCOMPLETE
    assert m.status.reason == "too_short" and (m.status.missing, m.status.missing_legacy) == (15, 7)
    st = m.set_text(serial[:4] + " " + serial[4:8] + " " + serial[8:])
    assert st.state is EntryState.VALID and st.serial == serial and m.valid
    wrong = serial[:-1] + str((int(serial[-1]) + 1) % 10)
    st = m.set_text(wrong)  # 12 digits that do not check: maybe the start of a 20-digit number
    assert st.state is EntryState.INCOMPLETE and st.missing == 8
    assert m.set_text("12a").reason == "not_digits"
    assert m.set_text(serial + "1").reason == "too_short"  # 13 digits: a 20-digit serial being typed
    assert m.set_text(serial + "1" * 9).reason == "too_long"
    st = m.set_text("".join(AZERTY_DIGITS[c] for c in serial))  # caps lock off on AZERTY
    assert st.state is EntryState.VALID and st.serial == serial


def test_two_vouchers_in_one_frame_are_several_a_voucher_qr_and_its_code128_are_one() -> None:
    from pos_app.scanning.decoders import DecodedCode
    from pos_app.scanning.scanner import several_vouchers

    a, b = make_serial(12345), make_serial(67890)
    qr_a = DecodedCode(f"VC1:DEMO:K1:{a}:" + "A" * 103, "QRCode", ((0, 0),))
    assert not several_vouchers([qr_a, DecodedCode(a, "Code128", ((500, 0),))])  # one printed voucher, two codes
    assert several_vouchers([qr_a, DecodedCode(b, "Code128", ((500, 0),))])
    page_qr_a = DecodedCode(page_url("https://bons.example.fr", qr_a.text), "QRCode", ((0, 0),))
    assert not several_vouchers([page_qr_a, DecodedCode(a, "Code128", ((500, 0),))])  # its QR is its page's URL
    assert not several_vouchers([qr_a]) and not several_vouchers([])


def test_a_voucher_acted_on_is_not_scanned_again_when_a_second_one_comes_and_goes() -> None:
    from pos_app.scanning.debounce import Debouncer
    from pos_app.scanning.decoders import DecodedCode
    from pos_app.scanning.scanner import frame_events

    a = DecodedCode(make_serial(12345), "Code128", ((0, 0),))
    b = DecodedCode(make_serial(67890), "Code128", ((500, 0),))
    deb = Debouncer(pause_s=0)
    frames = [[a], [a], [a, b], [a, b], [a, b], [a], [a], [b], [b]]  # 100 ms apart
    seen = [frame_events(deb, codes, i, i * 100.0) for i, codes in enumerate(frames)]
    assert [several for several, _ in seen] == [False, False, True, True, True, False, False, False, False]
    # a once when it came; nothing while both were in view; a not again when b left; b once alone
    assert [(i, ev.text) for i, (_, evs) in enumerate(seen) for ev in evs] == [(0, a.text), (7, b.text)]
