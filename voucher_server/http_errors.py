"""The app's error handlers and routes: every error leaves as the JSON body of ``errors.ApiError``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import ApiError

log = logging.getLogger("voucher_server")


def error_response(status: int, code: str, message: str | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(ApiError(status, code, message, **extra).body(), status_code=status)


def api_error_response(exc: ApiError) -> JSONResponse:
    """How an ApiError leaves, whether a route or the hot lane raised it."""
    headers = {"Retry-After": str(int(exc.extra["retry_after"]) + 1)} if "retry_after" in exc.extra else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _api_error(_req: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return api_error_response(exc)


async def _invalid(_req: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "invalid_json")
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in errors} - {""})
    msg = "Requête invalide" + (f" : {', '.join(fields)}" if fields else ".")
    return error_response(422, "invalid_request", msg, fields=fields)


async def _http(_req: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {400: "invalid_json", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "invalid_request")
    return error_response(exc.status_code, code)


def log_internal(method: str, path: str, exc: BaseException) -> None:
    """One line in the server log per fault (the client only gets 500 ``internal``)."""
    first = (str(exc).strip().splitlines() or [""])[0][:300]
    where = exc.__traceback__
    while where is not None and where.tb_next is not None:
        where = where.tb_next
    at = f" at {where.tb_frame.f_code.co_filename}:{where.tb_lineno}" if where is not None else ""
    log.error("internal error on %s %s: %s: %s%s", method, path, type(exc).__name__, first, at)


def internal_response(method: str, path: str, exc: BaseException) -> JSONResponse:
    """A fault's answer: 500 ``internal`` to the client, one line in the log."""
    log_internal(method, path, exc)
    return error_response(500, "internal")


async def _internal(req: Request, exc: Exception) -> JSONResponse:
    # Only reached for faults outside a route (SafeRoute answers those inside one); Starlette re-raises after it.
    return internal_response(req.method, req.url.path, exc)


class SafeRoute(APIRoute):
    """A route whose unexpected faults are answered 500 ``internal`` like an ApiError, with one log line.

    Left to Starlette's outermost handler, a fault is logged with its whole trace and the connection is closed
    after the answer, so a till's pooled keep-alive connection fails on its next request.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def safe(request: Request) -> Response:
            try:
                return await handler(request)
            except (ApiError, StarletteHTTPException, RequestValidationError):
                raise
            except Exception as exc:
                return internal_response(request.method, request.url.path, exc)

        return safe


def install_handlers(app: FastAPI) -> None:
    """Every error leaves as the JSON error body with a stable code."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _internal)
