"""Plain HTTP only to this machine: a remote http:// address is refused before any byte is sent (the bearer token
would cross the network in clear), at configure and in the client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pos_app.api.client import ApiClient
from pos_app.api.tokens import MemoryTokenProvider
from pos_app.api.urls import InsecureUrl, check_server_url
from pos_app.services.till import ConfigError, Till

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url", ["https://vouchers.example.org", "https://192.0.2.7:8443/", "http://127.0.0.1:8000",
                                 "http://127.5.6.7", "http://localhost:9/", "http://[::1]:8000", "HTTP://LOCALHOST"])
def test_https_anywhere_and_plain_http_on_loopback_are_allowed(url: str) -> None:
    assert check_server_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url, code", [
    ("http://vouchers.example.org", "insecure_url"), ("http://192.0.2.7:8000", "insecure_url"),
    ("http://[fd00::2]:8000", "insecure_url"), ("http://localhost.example.org", "insecure_url"),
    ("http://127.0.0.1.example.org", "insecure_url"), ("ftp://127.0.0.1", "invalid_url"),
    ("vouchers.example.org", "invalid_url"), ("https://", "invalid_url"), ("http://127.0.0.1:99999", "invalid_url"),
])
def test_remote_plain_http_and_non_addresses_are_refused(url: str, code: str) -> None:
    with pytest.raises(InsecureUrl) as info:
        check_server_url(url)
    assert info.value.code == code and "https://" in info.value.message
    with pytest.raises(InsecureUrl):
        ApiClient(url, MemoryTokenProvider("t"))


def _machine_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # UDP connect sends nothing: it only picks the outgoing address
        return s.getsockname()[0]


def test_configure_with_remote_http_sends_nothing(tmp_path: Path) -> None:
    """A real listener on this machine's network address: configure never connects to it."""
    address = _machine_address()
    if address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address to listen on")
    listener = socket.create_server((address, 0))
    port = listener.getsockname()[1]
    accepted: list[bytes] = []
    listener.settimeout(1)

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            accepted.append(conn.recv(65536))
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    till = Till.open(tmp_path / "till", token_provider=MemoryTokenProvider())
    try:
        with pytest.raises(ConfigError) as info:
            till.configure(f"http://{address}:{port}", "secret-token")
        assert info.value.code == "insecure_url"
        assert till.tokens.get() is None and not till.configured
    finally:
        till.close()
        thread.join(2)
        listener.close()
    assert accepted == []


def test_cli_configure_refuses_remote_http_with_a_french_message(tmp_path: Path) -> None:
    env = dict(os.environ, POS_APP_TOKEN="secret-token", PYTHONPATH=str(REPO))
    p = subprocess.run([sys.executable, "-m", "pos_app.cli", "--home", str(tmp_path / "h"), "configure", "--server",
                        "http://vouchers.example.org"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "https://" in p.stderr and "Adresse refusée" in p.stderr
