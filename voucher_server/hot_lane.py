"""The hot lane: the three requests made for every voucher (a till's look-up, its redemption, a holder's page)
answered by a small ASGI layer in front of FastAPI's router.

At a scheme's peak these are nearly all the traffic, and FastAPI's routing, dependency solving and response
serialization cost about as much CPU as the rule and the database together. The lane calls the same functions
as the routes (``Authenticator.authenticate``, then ``routes.vouchers.look_up`` / ``redeem_answer``, or
``public.routes.voucher_page_answer``) in the same order and answers with the same bodies and error handling.
It takes only the plain shape of each request; anything else (another method, a trailing slash, a root path, a
body that is not JSON or does not validate) goes on to FastAPI untouched, which gives its standard answer, so the
lane never has an error format of its own. Routes stay declared in FastAPI too: the OpenAPI schema and those
fallbacks use them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Awaitable
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.requests import Request

from .deps import Authenticator
from .errors import ApiError
from .http_errors import api_error_response, internal_response
from .middleware import replay_body
from .public.routes import voucher_page_answer
from .routes import vouchers
from .schemas import RedeemBody
from .services.context import Context

# The same paths as the routes' ("{code}" matches anything but a slash, as Starlette's str convertor does).
VOUCHER = re.compile(r"/api/v1/vouchers/([^/]+)")
REDEEM = re.compile(r"/api/v1/vouchers/([^/]+)/redeem")
PAGE = re.compile(r"/[vV]/([^/]+)")


class HotLane:
    """Pure ASGI middleware; ``answered`` counts the requests it answered itself, by kind (for the tests)."""

    def __init__(self, app: Any, ctx: Context, auth: Authenticator, answered: Counter[str]) -> None:
        self.app, self.ctx, self.auth, self.answered = app, ctx, auth, answered

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if method == "GET":
            if (m := VOUCHER.fullmatch(path)) is not None:
                self.answered["look-up"] += 1
                await self._api(scope, receive, send, self._look_up(scope, m.group(1)))
                return
            if (m := PAGE.fullmatch(path)) is not None:
                await self._page(scope, receive, send, m.group(1))
                return
        elif method == "POST" and (m := REDEEM.fullmatch(path)) is not None:
            await self._redeem(scope, receive, send, m.group(1))
            return
        await self.app(scope, receive, send)

    async def _look_up(self, scope: Any, code: str) -> Response:
        who = await self.auth.authenticate(_header(scope, b"authorization"), _client(scope), cached=True)
        return JSONResponse(await vouchers.look_up(self.ctx, who, code))

    async def _redeem(self, scope: Any, receive: Any, send: Any, code: str) -> None:
        raw, more = b"", True
        while more:  # RequestLimits (outside) has already refused a body over the limit
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            raw += message.get("body", b"")
            more = message.get("more_body", False)
        body = _redeem_body(scope, raw)
        if body is None:
            await self.app(scope, replay_body(raw, receive), send)
            return
        self.answered["redeem"] += 1
        await self._api(scope, receive, send, self._redeeming(scope, code, body))

    async def _redeeming(self, scope: Any, code: str, body: RedeemBody) -> Response:
        who = await self.auth.authenticate(_header(scope, b"authorization"), _client(scope), cached=True)
        return await vouchers.redeem_answer(self.ctx, who, code, body)

    async def _api(self, scope: Any, receive: Any, send: Any, answering: Awaitable[Response]) -> None:
        """Await the answer; an ApiError leaves as the API's error body, any other fault as 500 ``internal``
        with one log line (as the routes' SafeRoute)."""
        try:
            response = await answering
        except ApiError as exc:
            response = api_error_response(exc)
        except Exception as exc:
            response = internal_response(scope["method"], scope["path"], exc)
        await response(scope, receive, send)

    async def _page(self, scope: Any, receive: Any, send: Any, code: str) -> None:
        self.answered["page"] += 1
        response = await voucher_page_answer(Request(scope, receive), code)
        await response(scope, receive, send)


def _redeem_body(scope: Any, raw: bytes) -> RedeemBody | None:
    """The body as FastAPI would read it (a JSON content type, ``json.loads``, then the model), or None for
    anything else: FastAPI then answers it (400, 422) exactly as it always has."""
    content_type = _header(scope, b"content-type").partition(";")[0].strip().lower()
    if not raw or not (content_type == "application/json" or
                       (content_type.startswith("application/") and content_type.endswith("+json"))):
        return None
    try:
        return RedeemBody.model_validate(json.loads(raw))
    except (ValueError, RecursionError, ValidationError):  # ValueError: not JSON, or not UTF-8
        return None


def _header(scope: Any, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")  # type: ignore[no-any-return]
    return ""


def _client(scope: Any) -> str:
    client = scope.get("client")
    return client[0] if client else ""  # type: ignore[no-any-return]
