"""`pos-app --selftest` from the source tree: window, decoders, redemption on the embedded server, PDF."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POS_APP = Path(sys.executable).parent / "pos-app"


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_APP_DEMO_NO_WEBCAM="1", HOME=str(tmp_path))
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_pos_app_selftest_passes(tmp_path: Path) -> None:
    out = subprocess.run([str(POS_APP), "--selftest", "--home", str(tmp_path / "till")], cwd=tmp_path,
                         env=_env(tmp_path), capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    assert "selftest passed" in out.stdout


def test_selftest_module_passes(tmp_path: Path) -> None:
    """The same function gui.py and the bundle's entry point call."""
    out = subprocess.run([sys.executable, "-m", "pos_app.selftest", "--home", str(tmp_path / "till")],
                         cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    for step in ("décodage / decode", "fenêtre / window", "encaissement / redeem", "rapport PDF / report"):
        assert f"ok {step}" in out.stdout


def test_selftest_fails_clearly_without_sample(tmp_path: Path) -> None:
    """A broken installation (sample image missing) exits non-zero with the reason on stderr."""
    from pos_app import selftest

    with pytest.raises(selftest.SelftestError) as err:
        selftest.step_decode(tmp_path / "absent.png")
    assert err.value.code == selftest.EXIT_DECODE
    assert "sample image missing" in str(err.value)


def test_sample_image_decodes_with_both_engines() -> None:
    from pos_app import selftest

    text = selftest.step_decode(selftest.sample_image())
    assert text.startswith("VC1:BOOST24:")


def test_sample_voucher_is_in_demo_seed(tmp_path: Path) -> None:
    """The bundled sample is a real demo voucher, so the selftest redeems exactly what it decoded."""
    from pos_app import selftest
    from pos_app.demo import EmbeddedServer

    text = selftest.step_decode(selftest.sample_image())
    seed = EmbeddedServer(tmp_path).seed_demo()
    assert selftest.pick_voucher(seed, text) == (text, "the sample's voucher"), \
        "seed-demo changed: run `python -m pos_app.selftest --make-sample` and commit the new image"
