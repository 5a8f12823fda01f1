"""``pos-app --selftest``: check an installation (source tree or bundle) end to end, then exit.

Steps, each printed on stdout as it passes; the first failure prints a clear reason on stderr and exits with
that step's code: 2 window (Qt + the main window offscreen), 3 decode (the bundled sample image, with both
native decoders: zxing-cpp and zbar), 4 redeem (the decoded voucher against the embedded demo server),
5 report (a PDF day report). 0 when everything passed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_WINDOW, EXIT_DECODE, EXIT_REDEEM, EXIT_REPORT = 2, 3, 4, 5


class SelftestError(RuntimeError):
    """A failed step: ``code`` is the exit code, the message the reason."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def sample_image() -> Path:
    """The bundled sample voucher image."""
    from .demo import resources_dir

    return resources_dir() / "samples" / "selftest.png"


def _app() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["pos-app", "-platform", "offscreen"])


def step_window(till: Any, lang: str) -> str:
    """Open the main window offscreen, let it paint, close it."""
    from PySide6.QtWidgets import QApplication

    from pos_app.ui.app import MainWindow

    app = _app()
    win = MainWindow(till, camera_source=None, lang=lang, demo=True)
    win.resize(1024, 700)
    win.show()
    for _ in range(5):
        app.processEvents()
    if not win.isVisible():
        raise SelftestError(EXIT_WINDOW, "la fenêtre principale ne s'affiche pas / main window not shown")
    image = win.grab()
    if image.isNull() or image.width() < 100:
        raise SelftestError(EXIT_WINDOW, "la fenêtre principale ne se dessine pas / main window does not paint")
    win.close()
    QApplication.processEvents()
    win.deleteLater()
    return f"MainWindow on {app.platformName()}"


def step_decode(path: Path) -> str:
    """Decode the sample with zxing-cpp and with zbar (both native libraries must load); returns the text."""
    import cv2

    if not path.is_file():
        raise SelftestError(EXIT_DECODE, f"image d'exemple absente / sample image missing: {path}")
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise SelftestError(EXIT_DECODE, f"OpenCV ne lit pas / OpenCV cannot read {path}")
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    texts: dict[str, str] = {}
    try:
        import zxingcpp

        found = zxingcpp.read_barcodes(gray)
        texts["zxing-cpp"] = found[0].text if found else ""
    except Exception as exc:
        raise SelftestError(EXIT_DECODE, f"zxing-cpp indisponible / unavailable: {exc}") from exc
    try:
        from pyzbar import pyzbar

        found = pyzbar.decode(gray)
        texts["zbar"] = found[0].data.decode("utf-8") if found else ""
    except Exception as exc:  # ImportError when libzbar.so.0 is missing: the usual bundle fault
        raise SelftestError(EXIT_DECODE, f"zbar (libzbar) indisponible / unavailable: {exc}") from exc
    from pos_app.scanning.decoders import decode_image

    codes = decode_image(img)
    texts["decode_image"] = codes[0].text if codes else ""
    texts["live pipeline"] = _tilted_read(img)
    bad = [name for name, text in texts.items() if not text.startswith("VC1:")]
    if bad:
        raise SelftestError(EXIT_DECODE, f"code non lu par / not decoded by: {', '.join(bad)}")
    if len(set(texts.values())) != 1:
        raise SelftestError(EXIT_DECODE, f"lectures différentes / decoders disagree: {texts}")
    return texts["zxing-cpp"]


def _tilted_read(img: Any) -> str:
    """The camera's pipeline on the sample tilted in perspective on a 720p frame: also proves OpenCV's linear
    algebra (the perspective transform is solved by LAPACK) loads in a bundle."""
    import numpy as np

    from pos_app.scanning.pipeline import FramePipeline
    from pos_app.scanning.synth import place

    frame, _corners = place(np.full((720, 1280, 3), 200, np.uint8), img, (640.0, 360.0), tilt=0.2)
    codes = FramePipeline().decode(frame)
    return codes[0].text if codes else ""


def zbar_library() -> str:
    """Which libzbar pyzbar loaded (a bundle must use its own copy)."""
    try:
        from pyzbar import wrapper

        return str(getattr(wrapper.LIBZBAR, "_name", "?"))
    except Exception as exc:
        return f"? ({exc})"


def pick_voucher(seed: dict[str, Any], sample_code: str) -> tuple[str, str]:
    """The voucher to redeem: the sample's own when the demo database holds it, else the first active one
    (the seed changed since the sample was made: ``python -m pos_app.selftest --make-sample`` refreshes it)."""
    codes = {v["code"] for v in seed.get("vouchers", [])}
    if sample_code in codes:
        return sample_code, "the sample's voucher"
    active = [v["code"] for v in seed.get("vouchers", []) if v["state"] == "active"
              and v["campaign"] == sample_code.split(":")[1]]
    if not active:
        raise SelftestError(EXIT_REDEEM, "aucun bon actif dans la base de démo / no active demo voucher")
    return active[0], "a demo voucher (sample not in this seed)"


def step_redeem(env: Any, code: str) -> str:
    """Redeem a demo voucher against the embedded server, through the till's own services."""
    code, which = pick_voucher(env.seed, code)
    outcome = env.till.redemptions.redeem(code)
    verdict = getattr(outcome.verdict, "verdict", outcome.verdict)
    name = getattr(verdict, "value", str(verdict))
    if name != "accepted":
        raise SelftestError(EXIT_REDEEM, f"bon refusé / voucher refused: {name}")
    return f"till redemption of {which}, ledger seq {getattr(outcome, 'ledger_seq', '?')}"


def make_sample(path: Path | None = None) -> Path:
    """(Re)write the sample image: a QR of the first active BOOST24 voucher of a fresh ``seed-demo``."""
    import segno

    from .demo import EmbeddedServer

    path = path or sample_image()
    with tempfile.TemporaryDirectory(prefix="pos_app_sample_") as tmp:
        seed = EmbeddedServer(Path(tmp)).seed_demo()
    code = next(v["code"] for v in seed["vouchers"] if v["state"] == "active" and v["campaign"] == "BOOST24")
    path.parent.mkdir(parents=True, exist_ok=True)
    segno.make(code, error="m").save(str(path), scale=6, border=4)
    return path


def step_report(env: Any, path: Path, lang: str) -> str:
    """Render today's day report as a PDF with the books' writer and check the file."""
    from pos_app.reports.pdf import write_pdf
    from voucher_core.timeutil import business_day, utc_now
    write_pdf(env.till.books.day_report(business_day(utc_now()), lang), path, lang)
    if not path.is_file() or path.stat().st_size < 500 or path.read_bytes()[:5] != b"%PDF-":
        raise SelftestError(EXIT_REPORT, f"PDF absent ou invalide / missing or invalid: {path}")
    return f"pos_app.reports.pdf.write_pdf, {path.stat().st_size} bytes"


def _step(exit_code: int, label: str, fn: Callable[[], str]) -> str:
    """Run one step; any failure becomes a SelftestError carrying that step's exit code."""
    try:
        return fn()
    except SelftestError:
        raise
    except Exception as exc:
        raise SelftestError(exit_code, f"{label}: {exc!r}") from exc


def selftest(home: Path | None = None, lang: str = "fr", out: Callable[[str], None] = print) -> None:
    """Run every step; raises SelftestError on the first failure."""
    from .demo import DemoEnvironment

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.monotonic()
    plain_out = out

    def timed(line: str) -> None:  # each step with the time since the selftest began (start-time figures)
        plain_out(f"{line}  [{time.monotonic() - t0:.2f} s]")

    out = timed

    code = step_decode(sample_image())
    out(f"ok décodage / decode: {code[:24]}… (zxing-cpp + zbar {zbar_library()})")
    try:
        env_cm = DemoEnvironment(home, lang=lang, camera="none")
        env = env_cm.__enter__()
    except Exception as exc:
        raise SelftestError(EXIT_REDEEM, f"serveur de démo / demo server: {exc}") from exc
    try:
        out(f"ok fenêtre / window: {_step(EXIT_WINDOW, 'fenêtre / window', lambda: step_window(env.till, lang))}")
        out(f"ok encaissement / redeem: {_step(EXIT_REDEEM, 'encaissement / redeem', lambda: step_redeem(env, code))}")
        with tempfile.TemporaryDirectory(prefix="pos_app_selftest_") as tmp:
            pdf = Path(tmp) / "rapport.pdf"
            done = _step(EXIT_REPORT, "rapport / report", lambda: step_report(env, pdf, lang))
            out(f"ok rapport PDF / report: {done}")
    finally:
        env_cm.__exit__(None, None, None)
    plain_out(f"autotest réussi / selftest passed in {time.monotonic() - t0:.1f} s")


def run_selftest(args: argparse.Namespace) -> int:
    """``pos-app --selftest``: 0 when the installation works, else the failed step's code (reason on stderr)."""
    lang = getattr(args, "lang", None) or "fr"
    try:
        selftest(getattr(args, "home", None), lang, out=lambda s: print(s, flush=True))
    except SelftestError as exc:
        print(f"pos-app --selftest : ÉCHEC / FAILED: {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:
        traceback.print_exc()
        print(f"pos-app --selftest : ÉCHEC / FAILED: {exc!r}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m pos_app.selftest``) while gui.py does not dispatch yet."""
    p = argparse.ArgumentParser(prog="pos-app --selftest")
    p.add_argument("--home", type=Path, default=None)
    p.add_argument("--lang", choices=["fr", "en"], default=None)
    p.add_argument("--make-sample", action="store_true", help="rewrite resources/samples/selftest.png")
    args, _ = p.parse_known_args(argv)
    if args.make_sample:
        print(make_sample())
        return 0
    return run_selftest(args)


if __name__ == "__main__":
    sys.exit(main())
