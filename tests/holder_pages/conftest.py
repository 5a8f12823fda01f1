"""Holders' pages in Debian's Chromium at phone size (390x844), against the real server (``serve`` subprocess)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console import conftest as _console
from voucher_server.testing import LiveServer

# docs/screenshots only when `make screenshots` asks (a test run must not rewrite the committed pictures).
SHOTS = Path(os.environ.get("HOLDER_SCREENSHOTS") or tempfile.mkdtemp(prefix="holder-shots-"))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}

browser = _console.browser  # the console tests' Chromium fixture, reused


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env={"VOUCHER_SERVER_PUBLIC_BURST": "1000"}) as srv:
        yield srv


def phone(browser: Any, base_url: str, locale: str = "fr-FR") -> Any:
    """A fresh phone-sized context (no cookies)."""
    context = browser.new_context(locale=locale, base_url=base_url, **PHONE)
    context.set_default_timeout(15_000)
    return context
