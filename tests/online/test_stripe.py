"""The Stripe Checkout adapter with the real ``stripe`` SDK against a local stand-in of api.stripe.com (a real HTTP
server on 127.0.0.1: the machine has no internet): what it sends, what it reads back, and its deadline when the
API never answers."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from voucher_server.payments.base import CheckoutRequest, PaySettings
from voucher_server.payments.stripe_checkout import ProviderDown, StripeCheckout

SETTINGS = PaySettings.from_env({"VOUCHER_SERVER_STRIPE_SECRET_KEY": "sk_test_local",
                                 "VOUCHER_SERVER_STRIPE_WEBHOOK_SECRET": "whsec_local",
                                 "VOUCHER_SERVER_STRIPE_DEADLINE": "2"})
REQ = CheckoutRequest("tok123", "Chèques Booster", 2, 1000, "a@b.fr", "http://x/ok", "http://x/no")


@pytest.fixture
def fake_stripe() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.append({"path": self.path, "auth": self.headers["Authorization"], "form": parse_qs(body)})
            if self.path == "/v1/checkout/sessions":
                answer = {"id": "cs_test_abc", "object": "checkout.session", "url": "https://checkout.stripe.com/c/abc"}
            else:
                answer = {"id": "re_abc", "object": "refund"}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", seen
    srv.shutdown()


def test_checkout_session_and_refund_through_the_sdk(fake_stripe: tuple[str, list[dict[str, Any]]]) -> None:
    base, seen = fake_stripe
    adapter = StripeCheckout(SETTINGS, api_base=base)
    out = adapter.open_checkout(REQ)
    assert (out.session_id, out.url) == ("cs_test_abc", "https://checkout.stripe.com/c/abc")
    form = seen[0]["form"]
    assert seen[0]["auth"] == "Bearer sk_test_local"
    assert form["client_reference_id"] == ["tok123"] and form["mode"] == ["payment"]
    assert form["line_items[0][quantity]"] == ["2"] and form["line_items[0][price_data][unit_amount]"] == ["1000"]
    assert form["line_items[0][price_data][currency]"] == ["eur"] and form["customer_email"] == ["a@b.fr"]
    assert adapter.refund("pi_123", 2000) == "re_abc"
    assert seen[1]["path"] == "/v1/refunds" and seen[1]["form"]["amount"] == ["2000"]


def test_an_api_that_never_answers_ends_at_the_deadline() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers a byte
    try:
        adapter = StripeCheckout(SETTINGS, api_base=f"http://127.0.0.1:{silent.getsockname()[1]}")
        with pytest.raises(ProviderDown):
            adapter.open_checkout(REQ)
    finally:
        silent.close()


def test_an_api_that_drips_its_answer_ends_at_the_deadline() -> None:
    """Each byte comes well within the HTTP read timeout, the whole answer never: the total deadline ends it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def drip() -> None:
        conn, _ = srv.accept()
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
                if stop.wait(0.5):
                    return
                conn.sendall(bytes([byte]))

    worker = threading.Thread(target=drip, daemon=True)
    worker.start()
    try:
        adapter = StripeCheckout(SETTINGS, api_base=f"http://127.0.0.1:{srv.getsockname()[1]}")
        with pytest.raises(ProviderDown) as down:
            adapter.open_checkout(REQ)
        assert "did not answer within 2 s" in str(down.value)
    finally:
        stop.set()
        srv.close()
