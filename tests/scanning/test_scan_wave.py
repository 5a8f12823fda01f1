"""A card waved through the camera's view and then held still (a real MJPG video file through the real Scanner
thread, as the live app reads a camera): the right text soon after it stops, and one scan event only."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from scan_data import SERIAL_A, TEXT_A

from pos_app.scanning.capture import FrameSource
from pos_app.scanning.scanner import ScanEvent, Scanner
from pos_app.scanning.synth_motion import wave_and_hold_video


@pytest.mark.parametrize(("symbology", "text"), [("QRCode", TEXT_A), ("Code128", SERIAL_A)])
def test_waved_then_held_read_within_5_frames_of_stillness_one_event(symbology: str, text: str,
                                                                     tmp_path: Path) -> None:
    clip = wave_and_hold_video(tmp_path / "wave.avi", text, symbology, seed=4)
    scans: list[ScanEvent] = []
    ended = threading.Event()
    sc = Scanner(FrameSource(clip.path), scans.append, on_status=lambda s: s == "ended" and ended.set())
    sc.start()
    assert ended.wait(120)
    sc.stop()
    assert sc.frames_decoded == clip.frames
    assert [e.text for e in scans] == [text]
    assert scans[0].frame_index <= clip.still_from + 5
