"""Holders' pages in Debian's Chromium at phone size (390x844), against the real server (``serve`` subprocess)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console.conftest import CHROMIUM, CHROMIUM_ARGS
from voucher_server.testing import LiveServer

# docs/screenshots only when `make screenshots` asks (a test run must not rewrite the committed pictures).
SHOTS = Path(os.environ.get("HOLDER_SCREENSHOTS") or tempfile.mkdtemp(prefix="holder-shots-"))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(env={"VOUCHER_SERVER_PUBLIC_BURST": "1000"}) as srv:
        yield srv


def phone(browser: Any, base_url: str, locale: str = "fr-FR") -> Any:
    """A fresh phone-sized context (no cookies)."""
    context = browser.new_context(locale=locale, base_url=base_url, **PHONE)
    context.set_default_timeout(15_000)
    return context
