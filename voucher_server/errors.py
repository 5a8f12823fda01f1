"""Errors answered as ``{"error": {"code", "message", ...}}`` with stable codes, and the app's handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("voucher_server")

MESSAGES = {
    "malformed": "Ce code n'est pas un bon d'achat.",
    "invalid_json": "Le corps de la requête n'est pas du JSON valide.",
    "unauthorized": "Jeton d'accès absent ou invalide.",
    "forbidden": "Ce terminal n'a pas le droit de faire cela.",
    "unknown": "Bon inconnu.",
    "not_found": "Introuvable.",
    "already_redeemed": "Bon déjà utilisé.",
    "expired": "Bon expiré.",
    "not_yet_valid": "Bon pas encore valable.",
    "not_activated": "Bon non vendu : pas encore activé.",
    "not_accepted_here": "Bon non accepté dans ce commerce.",
    "blocked": "Bon bloqué par l'opérateur.",
    "forged": "Faux bon : signature invalide.",
    "already_sold": "Bon déjà vendu.",
    "void_window_passed": "Délai d'annulation dépassé.",
    "already_voided": "Déjà annulé.",
    "voucher_spent": "Le bon a déjà été utilisé : vente non annulable.",
    "ledger_head_regressed": "Le journal de la caisse a reculé depuis la dernière synchronisation.",
    "ledger_chain_broken": "Le journal de la caisse ne prolonge pas celui déjà reçu : entrée modifiée ou supprimée.",
    "ledger_entry_unknown": "Le journal de la caisse contient un encaissement confirmé que le serveur ne connaît pas.",
    "ledger_broken_on_till": "La caisse a trouvé son propre journal altéré.",
    "ledger_links_missing": "Les maillons du journal depuis le dernier accusé de réception manquent.",
    "payload_too_large": "Requête trop volumineuse.",
    "invalid_request": "Requête invalide.",
    "idempotency_key_reused": "Clé d'idempotence déjà utilisée pour une autre opération.",
    "wrong_price": "Prix de vente incorrect.",
    "rate_limited": "Trop de requêtes : réessayez dans un instant.",
    "internal": "Erreur interne du serveur.",
    "method_not_allowed": "Méthode non autorisée.",
    "headers_too_large": "En-têtes de la requête trop volumineux.",
    "offline_not_allowed": "Opération hors ligne refusée : non autorisée pour ce terminal.",
    "claim_in_future": "Opération hors ligne refusée : datée dans le futur (horloge de la caisse en avance).",
    "claim_too_old": "Opération hors ligne refusée : trop ancienne pour la politique hors ligne du terminal.",
    "claim_before_sale": "Opération hors ligne refusée : datée d'avant la vente du bon.",
    "offline_limit_reached": "Opération hors ligne refusée : plafond hors ligne du jour dépassé.",
}


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", ...extra}}."""

    def __init__(self, status: int, code: str, message: str | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.extra = status, code, message or MESSAGES.get(code, code), extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


def error_response(status: int, code: str, message: str | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(ApiError(status, code, message, **extra).body(), status_code=status)


async def _api_error(_req: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"Retry-After": str(int(exc.extra["retry_after"]) + 1)} if "retry_after" in exc.extra else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


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


async def _internal(req: Request, exc: Exception) -> JSONResponse:
    # Only reached for faults outside a route (SafeRoute answers those inside one); Starlette re-raises after it.
    log_internal(req.method, req.url.path, exc)
    return error_response(500, "internal")


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
                log_internal(request.method, request.url.path, exc)
                return error_response(500, "internal")

        return safe


def install_handlers(app: FastAPI) -> None:
    """Every error leaves as the JSON error body with a stable code."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _internal)
