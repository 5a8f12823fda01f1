"""requests client of the central API v1 (docs/api.md).

One pooled session with TLS verification on, ``https://`` only (plain HTTP on loopback only, see :mod:`.urls`).
Every call has a total wall-clock deadline (:mod:`.deadline`), not only connect/read timeouts: a verdict call
never waits more than 3 s whatever the network does. HTTP errors become :mod:`pos_app.api.errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from .deadline import Deadline, DeadlineAdapter
from .errors import ApiError, AuthError, ClientCode, ClientError, Refusal, Unavailable
from .tokens import TokenProvider
from .urls import check_server_url

CONNECT_TIMEOUT = 1.0
READ_TIMEOUT = 2.5
VERDICT_BUDGET = 2.9  # seconds for one verdict call, all included (the cashier waits ≤ 3 s)
SYNC_READ_TIMEOUT = 10.0  # bulk pages (sync) may take longer: nobody waits at the counter


class ApiClient:
    """Blocking client; thread-safe enough for one UI worker plus the sync thread (requests pools per host)."""

    def __init__(self, base_url: str, tokens: TokenProvider, *, session: requests.Session | None = None,
                 on_bytes: Callable[[int], None] | None = None) -> None:
        self.base = check_server_url(base_url) + "/api/v1"  # refused before any byte is sent
        self.tokens = tokens
        self.session = session or requests.Session()
        self.session.verify = True
        adapter = DeadlineAdapter(pool_connections=2, pool_maxsize=4, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.bytes_in = 0
        self.on_bytes = on_bytes

    # --- transport -------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                 budget: float = VERDICT_BUDGET, read: float = READ_TIMEOUT, auth: bool = True) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        if auth:
            token = self.tokens.get()
            if not token:
                raise AuthError(ClientCode.NO_TOKEN, "the till has no access token")
            headers["Authorization"] = f"Bearer {token}"
        connect = min(CONNECT_TIMEOUT, budget)
        with Deadline(budget) as deadline:
            try:
                resp = self.session.request(method, self.base + path, json=json, params=params, headers=headers,
                                            timeout=(connect, min(read, budget)))
                content = resp.content  # read the body under the deadline too
            except requests.exceptions.RequestException as exc:
                raise _unavailable(exc, deadline.expired) from None
        self.bytes_in += len(content)
        if self.on_bytes:
            self.on_bytes(len(content))
        return self._decode(resp)

    @staticmethod
    def _decode(resp: requests.Response) -> dict[str, Any]:
        try:
            body = resp.json()
        except ValueError:
            body = None
        if 200 <= resp.status_code < 300:
            if not isinstance(body, dict):
                raise Unavailable(ClientCode.BAD_RESPONSE, "the central server's answer is not a JSON object",
                                  resp.status_code)
            return body
        found = body.get("error") if isinstance(body, dict) else None
        err: dict[str, Any] = found if isinstance(found, dict) else {}
        code = str(err.get("code") or f"http_{resp.status_code}")
        message = str(err.get("message") or f"the central server answered HTTP {resp.status_code}")
        extra = {k: v for k, v in err.items() if k not in ("code", "message")}
        status = resp.status_code
        if status in (401, 403):
            raise AuthError(code, message, status, extra)
        if status >= 500 or status == 429:
            raise Unavailable(code, message, status, extra)
        if status in (400, 404, 409) and code not in ("invalid_json",):
            raise Refusal(code, message, status, extra)
        raise ClientError(code, message, status, extra)

    # --- endpoints -------------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self._request("GET", "/health", auth=False)

    def me(self, *, budget: float = VERDICT_BUDGET) -> dict[str, Any]:
        return self._request("GET", "/me", budget=budget)

    def campaigns(self, *, budget: float = 30) -> list[dict[str, Any]]:
        campaigns: list[dict[str, Any]] = self._request("GET", "/campaigns", budget=budget,
                                                        read=SYNC_READ_TIMEOUT)["campaigns"]
        return campaigns

    def voucher(self, code: str) -> dict[str, Any]:
        return self._request("GET", f"/vouchers/{quote(code, safe='')}")

    def redeem(self, code: str, body: dict[str, Any], *, budget: float = VERDICT_BUDGET) -> dict[str, Any]:
        return self._request("POST", f"/vouchers/{quote(code, safe='')}/redeem", json=body, budget=budget)

    def void_redemption(self, redemption_id: int, key: str, *, budget: float = VERDICT_BUDGET,
                        business_day: str | None = None) -> dict[str, Any]:
        return self._request("POST", f"/redemptions/{int(redemption_id)}/void", json=_void_body(key, business_day),
                             budget=budget)

    def activate(self, code: str, body: dict[str, Any], *, budget: float = VERDICT_BUDGET) -> dict[str, Any]:
        return self._request("POST", f"/vouchers/{quote(code, safe='')}/activate", json=body, budget=budget)

    def void_sale(self, sale_id: int, key: str, *, budget: float = VERDICT_BUDGET,
                  business_day: str | None = None) -> dict[str, Any]:
        return self._request("POST", f"/sales/{int(sale_id)}/void", json=_void_body(key, business_day),
                             budget=budget)

    def changes(self, cursor: str | None, limit: int = 5000, *, budget: float = 60) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._request("GET", "/changes", params=params, budget=budget, read=SYNC_READ_TIMEOUT)

    def statement(self, start: str, end: str) -> dict[str, Any]:
        """The shop's statement for business days start..end (GET /statement, the caller's shop only)."""
        return self._request("GET", "/statement", params={"from": start, "to": end}, budget=30,
                             read=SYNC_READ_TIMEOUT)

    def post_closing(self, closing: dict[str, Any]) -> dict[str, Any]:
        """Tell the server a day this till closed (POST /terminals/me/closings)."""
        return self._request("POST", "/terminals/me/closings", json=closing, budget=10)

    def ledger(self, day: str) -> dict[str, Any]:
        return self._request("GET", "/ledger", params={"date": day}, budget=30, read=SYNC_READ_TIMEOUT)

    def post_ledger_head(self, seq: int, hash_: str, entries: list[dict[str, Any]], *, check_only: bool = False,
                         broken_at: int | None = None, budget: float = 30) -> dict[str, Any]:
        body = {"seq": seq, "hash": hash_, "entries": entries, "check_only": check_only, "broken_at": broken_at}
        return self._request("POST", "/terminals/me/ledger-head", json=body, budget=budget, read=SYNC_READ_TIMEOUT)

    def ledger_chain(self, after: int, *, budget: float = 30) -> dict[str, Any]:
        return self._request("GET", "/terminals/me/ledger-chain", params={"after": after}, budget=budget,
                             read=SYNC_READ_TIMEOUT)

    def close(self) -> None:
        self.session.close()


def _unavailable(exc: requests.exceptions.RequestException, expired: bool) -> Unavailable:
    """The typed error for a failed call; ``maybe_sent`` says whether the server may have acted on it."""
    if expired:
        # The deadline cut the call: the request may have been read and acted on.
        return Unavailable(ClientCode.TIMEOUT, "call cut by its deadline", extra={"maybe_sent": True})
    if isinstance(exc, requests.exceptions.SSLError):
        return Unavailable(ClientCode.TLS, "TLS refused: the server's certificate is not valid")
    if isinstance(exc, requests.exceptions.Timeout):
        sent = not isinstance(exc, requests.exceptions.ConnectTimeout)
        return Unavailable(ClientCode.TIMEOUT, f"timeout ({type(exc).__name__})", extra={"maybe_sent": sent})
    if isinstance(exc, requests.exceptions.ConnectionError):
        sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and "refused" not in str(exc).lower()
        return Unavailable(ClientCode.CONNECTION, "the central server cannot be reached", extra={"maybe_sent": sent})
    return Unavailable(ClientCode.NETWORK, f"network error ({type(exc).__name__})", extra={"maybe_sent": True})


def _void_body(key: str, business_day: str | None) -> dict[str, Any]:
    """A void's body: its key, and the till's business day when it says one."""
    return {"idempotency_key": key, **({"business_day": business_day} if business_day else {})}


__all__ = ["ApiClient", "ApiError", "AuthError", "ClientCode", "ClientError", "Refusal", "Unavailable"]
