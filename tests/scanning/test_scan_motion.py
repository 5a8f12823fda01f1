"""A voucher moved across the camera: motion estimation, deblurring, the live pipeline and a video; and silence
when something without a code moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pos_app.core.codes import make_serial
from pos_app.scanning import synth_motion
from pos_app.scanning.deblur import estimate_motion, line_psf, wiener
from pos_app.scanning.decoders import ZxingDecoder, to_gray
from pos_app.scanning.pipeline import FramePipeline
from pos_app.scanning.scanner import scan_video
from pos_app.scanning.synth import voucher_image

TEXTS = synth_motion.motion_texts(12, make_serial)


def _angle_error(a: float, b: float) -> float:
    d = (a - b) % 180.0
    return min(d, 180.0 - d)


@pytest.mark.parametrize(("length", "angle"), [(15, 0.0), (20, 35.0), (25, 150.0)])
def test_motion_is_estimated_from_the_cepstrum(length: int, angle: float) -> None:
    card = to_gray(voucher_image(TEXTS["QRCode"][0]))
    blurred = synth_motion.cv2.filter2D(card, -1, line_psf(length, angle))
    m = estimate_motion(blurred)
    assert m is not None
    assert abs(m.length - length) < 1.5
    assert _angle_error(m.angle, angle) < 4.0
    assert m.strength > 4.5


def test_deblurring_restores_a_code_no_decoder_reads_blurred() -> None:
    card = to_gray(voucher_image(TEXTS["QRCode"][1]))
    blurred = synth_motion.cv2.filter2D(card, -1, line_psf(20, 10.0))
    zx = ZxingDecoder()
    assert zx.decode(blurred) == []
    sharp = wiener(blurred, line_psf(20, 10.0), nsr=0.001)
    assert [c.text for c in zx.decode(sharp)] == [TEXTS["QRCode"][1]]


def test_sharp_or_flat_images_show_no_motion() -> None:
    flat = np.full((300, 300), 128, np.uint8)
    m = estimate_motion(flat)
    assert m is None or m.strength < 4.5
    assert estimate_motion(np.zeros((40, 40), np.uint8)) is None


@pytest.fixture(scope="module")
def scenes() -> list[synth_motion.MotionScene]:
    """Two scenes per symbology: blur of 15 px and of 25 px (the full 36 run in bench/decode.py)."""
    return synth_motion.motion_scenes(synth_motion.motion_texts(2, make_serial), seed=17)


@pytest.mark.parametrize("index", range(6))
def test_pipeline_reads_motion_blurred_scenes(scenes: list[synth_motion.MotionScene], index: int) -> None:
    scene = scenes[index]
    got = [c.text for c in FramePipeline().decode(scene.image)]
    assert got == [scene.text], (scene.symbology, scene.length, scene.angle)


def test_moving_clutter_stays_silent() -> None:
    pipe = FramePipeline()
    for img in synth_motion.blurred_clutter_scenes(6):
        pipe.reset()
        assert pipe.decode(img) == []


def test_video_of_a_waved_voucher_gives_one_scan(tmp_path: Path) -> None:
    text = TEXTS["EAN13"][3]
    path = tmp_path / "wave.avi"
    frames = synth_motion.motion_video(path, text, "EAN13", speed_px=20, span=(900, 380), seed=4)
    assert frames == 26
    assert [e.text for e in scan_video(path)] == [text]
