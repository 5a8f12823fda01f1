"""Shared test set-up: headless Qt, and where the shared barcode samples are."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from voucher_server.testing import LiveServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def built_translations() -> None:
    """The .qm files are build products (git-ignored): build them like `make translations` does, for every
    folder (the books' CLI speaks French through them too)."""
    subprocess.run([sys.executable, "-m", "pos_app.i18n_build"], cwd=REPO, check=True, capture_output=True)


def shared_samples() -> Path:
    """The real barcode photos next to the repository (../shared/samples/barcodes)."""
    return (REPO.parent / "shared" / "samples" / "barcodes").resolve()


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    path = shared_samples()
    if not path.is_dir():
        pytest.fail(f"barcode samples not found at {path}: the repository must sit next to shared/")
    return path


def seeded_server() -> Iterator[LiveServer]:
    """A real, seeded voucher server for one test folder's session (tests/till, tests/ui): each folder gets its own,
    because its tests redeem the seed's vouchers by position."""
    with LiveServer() as srv:
        yield srv
