"""Fixtures for the scanning tests: generated voucher videos (made once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scan_data import SERIAL_A, SERIAL_B, TEXT_A, TEXT_B

from pos_app.scanning import synth


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, synth.VideoPlan]:
    d: Path = tmp_path_factory.mktemp("videos")
    return {
        "one": synth.voucher_video(d / "one.avi", [TEXT_A], serials=[SERIAL_A], seed=1),
        "two": synth.voucher_video(d / "two.avi", [TEXT_A, TEXT_B], serials=[SERIAL_A, SERIAL_B], seed=2),
        "blank": synth.blank_video(d / "blank.avi", seconds=2.0, seed=3),
    }
