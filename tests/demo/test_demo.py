"""Demo mode: the embedded server lives exactly as long as the demo; the simulated camera shows demo
vouchers that the till accepts; the user's keyring is never touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from pos_app import demo

REPO = Path(__file__).resolve().parents[2]


def _gone(pid: int, port: int, wait: float = 15.0) -> bool:
    """True once the pid is gone and the port closed (polls: process exit is asynchronous)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not demo.pid_alive(pid) and not demo.port_open(port):
            return True
        time.sleep(0.1)
    return False


def _frames_codes(video: Path) -> list[str]:
    """Every distinct code the simulated camera shows, in order, as the till's live pipeline reads its frames."""
    from pos_app.scanning.pipeline import FramePipeline

    pipe = FramePipeline()
    cap = cv2.VideoCapture(str(video))
    seen: list[str] = []
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            for code in pipe.decode(frame):
                if not seen or seen[-1] != code.text:
                    seen.append(code.text)
    finally:
        cap.release()
    return seen


@pytest.fixture
def no_webcam(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test machine has no camera; this makes the choice explicit even where one exists.
    monkeypatch.setenv("POS_APP_DEMO_NO_WEBCAM", "1")


def test_demo_environment_lifecycle(no_webcam: None) -> None:
    import keyring

    with demo.DemoEnvironment() as env:
        pid, port, tmp = env.server.pid, env.server.port, env.server.workdir
        assert demo.pid_alive(pid) and demo.port_open(port)
        assert env.url == f"http://127.0.0.1:{port}"
        assert type(keyring.get_keyring()).__name__ == "MemoryKeyring"
        assert set(env.tokens) == {"cashier", "tobacconist", "owner"}
        assert env.simulated and Path(env.camera_source).is_file()
        assert [c["expect"] for c in env.codes] == ["accepted", "accepted", "already_redeemed", "not_activated",
                                                   "expired"]
    assert _gone(pid, port), "the embedded server outlived the demo"
    assert not tmp.exists()


def test_simulated_camera_voucher_is_accepted(no_webcam: None, tmp_path: Path) -> None:
    """Scan the first demo voucher off the simulated camera's video and redeem it: accepted; the same voucher
    again: already redeemed."""
    with demo.DemoEnvironment(tmp_path / "till") as env:
        seen = _frames_codes(Path(env.camera_source))
        assert seen == [c["code"] for c in env.codes]
        first = seen[0]
        assert env.till is not None
        assert env.till.redemptions.redeem(first).verdict.verdict == "accepted"
        assert env.till.redemptions.redeem(first).verdict.verdict == "already_redeemed"
        pid, port = env.server.pid, env.server.port
    assert _gone(pid, port)


def test_demo_main_window_scans_simulated_camera(no_webcam: None, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The demo offscreen: the real main window over the demo till and the simulated camera; the first demo
    voucher the camera shows is checked accepted, then redeemed; after quitting the server is gone."""
    from pos_app.ui.app import MainWindow
    from pos_app.ui.cashier_screen import CashierScreen
    from voucher_core.verdicts import Verdict

    with demo.DemoEnvironment() as env:
        assert env.till is not None
        win = MainWindow(env.till, camera_source=env.camera_source, lang="fr", demo=True)
        qtbot.addWidget(win)
        cashier = win.findChild(CashierScreen)
        assert cashier is not None, "no cashier screen in the demo's main window"
        serial = env.codes[0]["serial"]
        # armed before show(): the camera may start with the window
        with qtbot.waitSignal(cashier.checked, timeout=60_000,
                              check_params_cb=lambda d: getattr(d, "serial", None) == serial) as blocker:
            win.show()
        qtbot.waitExposed(win)
        assert blocker.args[0].verdict is Verdict.ACCEPTED
        with qtbot.waitSignal(cashier.redeemed, timeout=30_000) as done:
            cashier.redeem_pending()
        assert done.args[0].verdict.verdict is Verdict.ACCEPTED

        # the demo's controls: banner, role switch (token follows), printable voucher sheet
        from pos_app.demo.window import DemoControls

        controls = DemoControls(win, env, "fr")
        assert "MODE DÉMO" in controls.banner.text() and env.url in controls.banner.text()
        bakery = env.till
        controls.set_role("tobacconist")
        assert win.tabs.currentWidget() is win.seller
        assert env.role == "tobacconist" and env.till.tokens.get() == env.tokens["tobacconist"]
        # one till home per role: the tobacconist's sale is in its own books, never in the bakery's
        assert env.till is not bakery and env.till.home != bakery.home and win.ctx.till is env.till
        sold = env.till.sales.sell(next(v["code"] for v in env.seed["vouchers"] if v["state"] == "issued"))
        assert sold.ok, sold.reason
        assert {x.kind for x in win.ctx.books.day_lines(win.ctx.books.open_business_day())} == {"sale"}
        controls.set_role("owner")
        assert win.tabs.currentWidget() is win.owner and env.till.tokens.get() == env.tokens["owner"]
        assert env.till is bakery and win.ctx.till is bakery
        assert {x.kind for x in win.ctx.books.day_lines(win.ctx.books.open_business_day())} == {"redemption"}
        win.show_screen("cashier")  # the tab decides the role too
        assert controls.role_box.currentData() == "cashier"
        pdf = controls.print_vouchers(tmp_path / "bons.pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-"
        win.close()
        pid, port = env.server.pid, env.server.port
    assert _gone(pid, port)


def test_print_demo_vouchers_pdf(no_webcam: None, tmp_path: Path) -> None:
    with demo.DemoEnvironment(open_till=False, camera="none") as env:
        pdf = env.print_vouchers(tmp_path / "bons.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_run_demo_stops_server_when_ui_returns(no_webcam: None) -> None:
    seen: dict[str, int] = {}

    def runner(env: demo.DemoEnvironment, lang: str) -> int:
        seen["pid"], seen["port"] = env.server.pid, env.server.port
        assert demo.CURRENT is env
        return 0

    class Args:
        home = None
        lang = "fr"
        demo = True
        selftest = False

    assert demo.run_demo(Args(), runner=runner) == 0
    assert _gone(seen["pid"], seen["port"])
    assert demo.CURRENT is None


_CHILD = """
import sys, time
from pos_app import demo
with demo.DemoEnvironment(open_till=False, camera="none") as env:
    print(env.server.pid, env.server.port, env.server.workdir, flush=True)
    time.sleep(120)
"""


@pytest.mark.parametrize(("sig", "pdeathsig"), [(signal.SIGTERM, True), (signal.SIGINT, True),
                                                (signal.SIGKILL, True), (signal.SIGKILL, False)])
def test_server_gone_when_app_is_ended(sig: int, pdeathsig: bool, tmp_path: Path) -> None:
    """Ending the app from outside (SIGTERM/SIGINT: handlers; SIGKILL: PR_SET_PDEATHSIG, and without it the
    server's parent watchdog, the only guard on Windows/macOS) ends the server."""
    env = dict(os.environ, POS_APP_DEMO_NO_WEBCAM="1")
    if not pdeathsig:
        env["POS_APP_DEMO_NO_PDEATHSIG"] = "1"
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    child = subprocess.Popen([sys.executable, "-c", _CHILD], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             text=True)
    try:
        pid_s, port_s, workdir = child.stdout.readline().split()  # type: ignore[union-attr]
        pid, port = int(pid_s), int(port_s)
        assert demo.pid_alive(pid)
        child.send_signal(sig)
        child.wait(timeout=30)
        assert _gone(pid, port), f"server {pid} survived {signal.Signals(sig).name}"
        if sig == signal.SIGKILL:  # no clean-up ran: the next demo start removes the orphaned folder
            demo.remove_stale_demo_folders()  # (another demo starting meanwhile may have done it already)
        assert not Path(workdir).exists()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_pos_app_demo_subprocess_scans_and_leaves_nothing(tmp_path: Path) -> None:
    """`pos-app --demo` offscreen: the main window shows, the simulated camera's first voucher is accepted, the
    app quits, the embedded server is gone."""
    pos_app = Path(sys.executable).parent / "pos-app"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_APP_DEMO_NO_WEBCAM="1", POS_APP_DEMO_EXIT_AFTER_S="60",
               HOME=str(tmp_path))
    proc = subprocess.Popen([str(pos_app), "--demo"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        shown = scan = None
        for line in proc.stderr:  # type: ignore[union-attr]
            if line.startswith("demo window shown"):
                shown = line.split()
            elif line.startswith("demo scan"):
                scan = line.split()
                break
        assert shown is not None, "the demo's main window never showed"
        assert scan is not None and scan[3] == "accepted", scan
        pid, port = int(shown[5]), int(shown[7])
        proc.stderr.read()  # type: ignore[union-attr]
        assert proc.wait(timeout=60) == 0
        assert _gone(pid, port)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_pos_app_demo_sigterm_cleans_up(tmp_path: Path) -> None:
    """`pos-app --demo` ended by SIGTERM while its window runs: the event loop quits and the demo's clean-up runs
    (the embedded server stopped, its temporary folder removed), exit code 0."""
    import tempfile

    pos_app = Path(sys.executable).parent / "pos-app"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_APP_DEMO_NO_WEBCAM="1", POS_APP_DEMO_EXIT_AFTER_S="120",
               HOME=str(tmp_path))
    proc = subprocess.Popen([str(pos_app), "--demo", "--lang", "en"], cwd=tmp_path, env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        shown = next((line.split() for line in proc.stderr if line.startswith("demo window shown")), None)
        assert shown is not None, "the demo's main window never showed"
        mine = [f for f in Path(tempfile.gettempdir()).glob("pos_app_demo_*")
                if (f / "owner.pid").is_file() and (f / "owner.pid").read_text() == str(proc.pid)]
        assert len(mine) == 1
        proc.send_signal(signal.SIGTERM)
        proc.stderr.read()  # type: ignore[union-attr]
        assert proc.wait(timeout=60) == 0
        assert _gone(int(shown[5]), int(shown[7]))
        assert not mine[0].exists(), "the demo's temporary folder outlived SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
