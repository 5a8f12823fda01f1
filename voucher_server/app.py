"""The FastAPI application: /api/v1 as specified in docs/api.md."""


import base64
import gc
import hashlib
import hmac
import inspect
import json
import logging
import re
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import and_, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from pos_app.core import campaigns as core_campaigns
from pos_app.core.campaigns import Validity, VoucherState
from pos_app.core.codes import CodeError, SignedCode, parse_code, verify_signed
from pos_app.core.timeutil import day_bounds_utc, parse_utc_text, to_utc_text, utc_now
from pos_app.core.verdicts import Verdict, judge

from . import admin
from .config import Settings
from .crypto import token_hash
from .db import Database, aware, is_sqlite
from .models import (
    Activity,
    Campaign,
    CampaignKey,
    CampaignMerchant,
    CampaignSeller,
    IdempotentRequest,
    Merchant,
    Voucher,
)
from .models import Terminal as TerminalRow
from .store import Redemption, StoredAnswer, VoucherRow, open_store

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
    "payload_too_large": "Requête trop volumineuse.",
    "invalid_request": "Requête invalide.",
    "idempotency_key_reused": "Clé d'idempotence déjà utilisée pour une autre opération.",
    "wrong_price": "Prix de vente incorrect.",
    "rate_limited": "Trop de requêtes : réessayez dans un instant.",
    "internal": "Erreur interne du serveur.",
    "method_not_allowed": "Méthode non autorisée.",
}

AUTH_CACHE_SECONDS = 5.0
IDEM_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CURSOR_RE = re.compile(r"^[0-9]{1,32}$")
SERIAL_SPAN = 10**12  # a /changes cursor is change_seq * SERIAL_SPAN + serial: one monotonic decimal number
HASH_RE = re.compile(r"^[0-9a-f]{64}$")


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", ...extra}}."""

    def __init__(self, status: int, code: str, message: str | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.extra = status, code, message or MESSAGES.get(code, code), extra

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}


def error_response(status: int, code: str, message: str | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(ApiError(status, code, message, **extra).body(), status_code=status)


def ts(moment: datetime | None) -> str | None:
    return to_utc_text(aware(moment)) if moment is not None else None  # type: ignore[arg-type]


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


# --- request bodies -------------------------------------------------------------------------------------

class RedeemBody(BaseModel):
    idempotency_key: str = Field(pattern=IDEM_RE.pattern)
    client_time: str | None = Field(default=None, max_length=40)
    offline: bool = False


class VoidBody(BaseModel):
    idempotency_key: str = Field(pattern=IDEM_RE.pattern)


class ActivateBody(BaseModel):
    idempotency_key: str = Field(pattern=IDEM_RE.pattern)
    sale_price_cents: int = Field(ge=0, le=10_000_000)
    client_time: str | None = Field(default=None, max_length=40)
    offline: bool = False


class LedgerHeadBody(BaseModel):
    seq: int = Field(ge=0, le=2**62)
    hash: str = Field(pattern=HASH_RE.pattern)


# --- in-memory helpers ----------------------------------------------------------------------------------

class RateLimiter:
    """Token bucket per token hash (per process: with N workers the effective limit is N times higher)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # bad tokens must not grow memory without bound
                self._buckets.clear()
            return (1 - tokens) / self.rate if self.rate > 0 else 60.0


@dataclass(frozen=True, slots=True)
class CampaignInfo:
    core: core_campaigns.Campaign
    name: str
    topup_cents: int
    seller_ids: frozenset[str]


class CampaignCache:
    """Campaigns with members and keys, reloaded every few seconds (they change rarely, vouchers often)."""

    TTL = 2.0

    def __init__(self, db: Database) -> None:
        self.db = db
        self._at = -1e9
        self._data: dict[str, CampaignInfo] = {}
        self._lock = threading.Lock()

    async def current(self) -> dict[str, CampaignInfo]:
        """The campaigns, without blocking the event loop: a stale cache is reloaded in a worker thread."""
        if time.monotonic() - self._at <= self.TTL:
            return self._data
        return await anyio.to_thread.run_sync(self.get)

    def get(self) -> dict[str, CampaignInfo]:
        with self._lock:
            if time.monotonic() - self._at > self.TTL:
                self._data = self._load()
                self._at = time.monotonic()
            return self._data

    def _load(self) -> dict[str, CampaignInfo]:
        with self.db.reading() as s:
            camps = s.scalars(select(Campaign)).all()
            members = s.execute(select(CampaignMerchant.campaign_id, CampaignMerchant.merchant_id)).all()
            sellers = s.execute(select(CampaignSeller.campaign_id, CampaignSeller.merchant_id)).all()
            keys = s.scalars(select(CampaignKey)).all()
        out = {}
        for c in camps:
            core = core_campaigns.Campaign(
                id=c.id, name=c.name, face_value_cents=c.face_value_cents, sale_price_cents=c.sale_price_cents,
                valid_from=c.valid_from, valid_until=c.valid_until,
                merchant_ids=frozenset(m for cid, m in members if cid == c.id),
                public_keys={k.key_id: bytes(k.public_key) for k in keys if k.campaign_id == c.id})
            out[c.id] = CampaignInfo(core, c.name, c.topup_cents, frozenset(m for cid, m in sellers if cid == c.id))
        return out


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated terminal and its merchant."""

    terminal_id: int
    terminal_name: str
    merchant_id: str
    merchant_name: str
    siret: str
    address: str
    is_merchant: bool
    is_seller: bool
    offline_allowed: bool
    max_offline_total_cents_per_day: int
    max_cache_age_seconds: int

    @property
    def roles(self) -> list[str]:
        return [r for r, on in (("merchant", self.is_merchant), ("seller", self.is_seller)) if on]


# --- application ----------------------------------------------------------------------------------------

class BodyLimit:
    """Pure ASGI middleware: bodies over the limit get 413 before the app reads them."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await error_response(413, "payload_too_large")(scope, receive, send)
                    return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                await error_response(413, "payload_too_large")(scope, receive, send)
                return
        body, sent = b"".join(chunks), False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app (uvicorn factory). Settings from the environment unless given."""
    settings = settings or Settings.from_env()
    db = Database(settings.db_url)
    limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    campaigns = CampaignCache(db)
    store = open_store(db)
    window = timedelta(seconds=settings.void_window_seconds)
    # Known good tokens, briefly: saves a query per request. A disabled terminal is refused within this delay.
    auth_cache: dict[str, tuple[Caller, float]] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Fewer worker threads than the default 40: less GIL convoy behind the one holding a row lock.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        await store.start()
        # Everything loaded so far lives as long as the process: keep it out of the collector's full passes,
        # which otherwise walk it all and stall the event loop (and every request in flight) for tens of ms.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await store.close()

    # FastAPI's built-in OpenTelemetry looks up the global providers on every request; nothing is configured to
    # receive its spans, so it is off (older FastAPI releases have no such option).
    quiet = ({"telemetry": {"tracing": False, "metrics": False, "logs": False}}
             if "telemetry" in inspect.signature(FastAPI.__init__).parameters else {})
    app = FastAPI(title="Voucher central API", version="1", docs_url="/docs", redoc_url=None, lifespan=lifespan,
                  **quiet)
    app.state.db = db
    app.state.settings = settings
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    @app.exception_handler(ApiError)
    async def _api_error(_req: Request, exc: ApiError) -> JSONResponse:
        headers = {"Retry-After": str(int(exc.extra["retry_after"]) + 1)} if "retry_after" in exc.extra else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "invalid_json")
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in errors} - {""})
        msg = "Requête invalide" + (f" : {', '.join(fields)}" if fields else ".")
        return error_response(422, "invalid_request", msg, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {400: "invalid_json", 404: "not_found", 405: "method_not_allowed"}
        code = codes.get(exc.status_code, "invalid_request")
        return error_response(exc.status_code, code)

    @app.exception_handler(Exception)
    async def _internal(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error")  # the trace goes to the server log, never to the client
        return error_response(500, "internal")

    # --- dependencies ---

    async def caller(request: Request) -> Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or len(token) > 256:
            raise ApiError(401, "unauthorized")
        digest = token_hash(token.strip())
        wait = limiter.take(digest)
        if wait:
            raise ApiError(429, "rate_limited", retry_after=round(wait, 3))
        hit = auth_cache.get(digest)
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        row = await anyio.to_thread.run_sync(terminal_by_hash, digest)
        # The lookup is by hash; compare again in constant time so no early-exit comparison leaks anything.
        if row is None or not hmac.compare_digest(row[0].token_hash, digest) or not row[0].enabled:
            raise ApiError(401, "unauthorized")
        t, m = row
        who = Caller(t.id, t.name, m.id, m.name, m.siret, m.address, m.is_merchant, m.is_seller,
                     t.offline_allowed, t.max_offline_total_cents_per_day, t.max_cache_age_seconds)
        if len(auth_cache) > 10_000:
            auth_cache.clear()
        auth_cache[digest] = (who, time.monotonic() + AUTH_CACHE_SECONDS)
        return who

    def terminal_by_hash(digest: str) -> Any:
        with db.reading() as s:
            return s.execute(select(TerminalRow, Merchant).join(Merchant, Merchant.id == TerminalRow.merchant_id)
                             .where(TerminalRow.token_hash == digest)).first()

    def parsed(code: str) -> tuple[str, SignedCode | None]:
        """Validate the path code before any query: (serial, signed code or None)."""
        if "\x00" in code or not code.isprintable():
            raise ApiError(400, "malformed")
        try:
            pc = parse_code(code)
        except CodeError as exc:
            raise ApiError(400, "malformed", str(exc), reason=exc.reason) from None
        return pc.serial, pc if isinstance(pc, SignedCode) else None

    def campaigns_of(who: Caller) -> list[str]:
        return sorted(cid for cid, info in campaigns.get().items()
                      if (who.is_merchant and who.merchant_id in info.core.merchant_ids)
                      or (who.is_seller and who.merchant_id in info.seller_ids))

    def check_signature(signed: SignedCode | None, voucher: Voucher | VoucherRow | None,
                        data: dict[str, CampaignInfo]) -> None:
        if signed is None:
            return
        info = data.get(signed.campaign_id)
        ok = info is not None and verify_signed(signed, info.core.public_keys)
        if not ok or (voucher is not None and voucher.campaign_id != signed.campaign_id):
            raise ApiError(409, "forged")

    def parse_client_time(text: str | None) -> datetime | None:
        if text is None:
            return None
        try:
            return parse_utc_text(text)
        except ValueError:
            raise ApiError(422, "invalid_request", "client_time : date ISO 8601 attendue.",
                           fields=["client_time"]) from None

    def fingerprint(kind: str, target: str, body: BaseModel) -> str:
        raw = dumps({"kind": kind, "target": target, "body": body.model_dump()})
        return hashlib.sha256(raw.encode()).hexdigest()

    def idempotent(who: Caller, key: str, fp: str, action: Any) -> Response:
        """Run ``action(session, now) -> (status, body, activity_id)`` once per (terminal, key).

        A replay returns the stored status and body byte for byte; the same key with another request is 422.
        Concurrent retries race on the primary key of idempotent_requests: the loser rolls back and replays.
        """
        def stored(s: Session) -> Response | None:
            rec = s.get(IdempotentRequest, (who.terminal_id, key))
            if rec is None:
                return None
            return replay(StoredAnswer(rec.fingerprint, rec.response_status, rec.response_body), fp)

        for _attempt in range(3):
            try:
                with db.writing() as s:
                    answered = stored(s)
                    if answered is not None:
                        return answered
                    now = utc_now()
                    try:
                        with s.begin_nested():  # a refusal found after an insert must leave nothing behind
                            status, body, activity_id = action(s, now)
                    except ApiError as exc:
                        if exc.status not in (404, 409, 422) or exc.code in ("idempotency_key_reused",
                                                                             "invalid_request"):
                            raise
                        status, body, activity_id = exc.status, exc.body(), None
                    text = dumps(body)
                    s.add(IdempotentRequest(terminal_id=who.terminal_id, idempotency_key=key, fingerprint=fp,
                                            response_status=status, response_body=text, activity_id=activity_id,
                                            created_at=now))
                    s.flush()
                    if activity_id is not None:
                        admin.stamp_change(s, body["serial"])
                return Response(text, status_code=status, media_type="application/json")
            except IntegrityError:
                # Another transaction won (same key, same void, or the voucher changed under our conditional
                # update): everything was rolled back. Replay its answer, or judge again on the new state.
                with db.reading() as s:
                    answered = stored(s)
                if answered is not None:
                    return answered
        raise RuntimeError("idempotent request still conflicting after 3 attempts")

    Auth = Annotated[Caller, Depends(caller)]
    api = APIRouter(prefix="/api/v1")

    @api.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "time": to_utc_text(utc_now())}

    @api.get("/me")
    def me(who: Auth) -> dict[str, Any]:
        return {"terminal": {"id": who.terminal_id, "name": who.terminal_name},
                "merchant": {"id": who.merchant_id, "name": who.merchant_name, "siret": who.siret,
                             "address": who.address},
                "roles": who.roles, "campaigns": campaigns_of(who),
                "offline_policy": {"offline_allowed": who.offline_allowed,
                                   "max_offline_total_cents_per_day": who.max_offline_total_cents_per_day,
                                   "max_cache_age_seconds": who.max_cache_age_seconds},
                "void_window_seconds": int(window.total_seconds()), "server_time": to_utc_text(utc_now())}

    @api.get("/campaigns")
    def list_campaigns(who: Auth) -> dict[str, Any]:
        data = campaigns.get()
        out = []
        for cid in campaigns_of(who):
            info = data[cid]
            c = info.core
            out.append({"id": c.id, "name": c.name, "face_value_cents": c.face_value_cents,
                        "sale_price_cents": c.sale_price_cents, "topup_cents": info.topup_cents,
                        "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
                        "merchant_ids": sorted(c.merchant_ids), "seller_ids": sorted(info.seller_ids),
                        "keys": [{"key_id": k, "public_key": base64.b64encode(v).decode("ascii")}
                                 for k, v in sorted(c.public_keys.items())]})
        return {"campaigns": out}

    def verdict_for(who: Caller, v: Voucher | VoucherRow | None, moment: datetime,
                    data: dict[str, CampaignInfo]) -> Verdict:
        info = data.get(v.campaign_id) if v is not None else None
        state = VoucherState(v.state) if v is not None else None
        return judge(state, info.core if info else None, who.merchant_id if who.is_merchant else "", moment)

    def replay(prior: StoredAnswer, fp: str) -> Response:
        if not hmac.compare_digest(prior.fingerprint, fp):
            raise ApiError(422, "idempotency_key_reused")
        return Response(prior.body, status_code=prior.status, media_type="application/json")

    def refusal(verdict: Verdict, v: Voucher | VoucherRow | None, redeemed_by: str | None) -> ApiError:
        if verdict is Verdict.UNKNOWN:
            return ApiError(404, "unknown")
        if verdict is Verdict.ALREADY_REDEEMED and v is not None:
            return ApiError(409, "already_redeemed", redeemed_at=ts(v.redeemed_at), redeemed_by=redeemed_by)
        return ApiError(409, verdict.value)

    # The two calls every till makes for every voucher run on the event loop with the store (asyncpg on
    # PostgreSQL): read, judge with the core's rule, write conditionally. Rarer calls use the ORM in threads.

    @api.get("/vouchers/{code}")
    async def get_voucher(who: Auth, code: str) -> dict[str, Any]:
        serial, signed = parsed(code)
        data = await campaigns.current()
        v = (await store.lookup(None, None, serial)).voucher
        check_signature(signed, v, data)
        if v is None:
            raise ApiError(404, "unknown")
        info = data[v.campaign_id]
        return {"serial": v.serial, "campaign_id": v.campaign_id, "campaign_name": info.name,
                "face_value_cents": info.core.face_value_cents, "state": v.state,
                "valid_from": info.core.valid_from.isoformat(), "valid_until": info.core.valid_until.isoformat(),
                "verdict": verdict_for(who, v, utc_now(), data).value, "redeemed_at": ts(v.redeemed_at),
                "redeemed_by": v.redeemed_by_name}

    @api.post("/vouchers/{code}/redeem")
    async def redeem(who: Auth, code: str, body: RedeemBody) -> Response:
        """Redeem once per voucher and once per (terminal, idempotency key); refusals are stored and replayed too."""
        serial, signed = parsed(code)
        if not who.is_merchant:
            raise ApiError(403, "forbidden", "Ce terminal n'accepte pas les bons (vendeur seulement).")
        client_time = parse_client_time(body.client_time)
        fp = fingerprint("redeem", serial, body)
        key = body.idempotency_key

        async def write(campaign_id: str, amount: int, now: datetime, client: datetime, moment: datetime) -> str | None:
            def render(activity_id: int) -> str:
                return dumps({"redemption_id": activity_id, "serial": serial, "campaign_id": campaign_id,
                              "amount_cents": amount, "redeemed_at": to_utc_text(now),
                              "client_time": to_utc_text(client), "offline": body.offline,
                              "merchant": who.merchant_name})

            return await store.redeem(Redemption(
                serial=serial, campaign_id=campaign_id, terminal_id=who.terminal_id, merchant_id=who.merchant_id,
                amount_cents=amount, idempotency_key=key, fingerprint=fp, client_time=client, server_time=now,
                business_time=moment, offline=body.offline), render)

        for attempt in range(3):
            data = await campaigns.current()
            now = utc_now()
            client = client_time or now
            # Offline: judged at the moment of the sale in the shop, but never later than now.
            moment = min(client, now) if body.offline else now
            if attempt == 0:
                # Most redemptions are good ones: when a single campaign can accept this voucher here and now,
                # try the conditional write straight away (one round trip). It writes nothing unless the voucher
                # is active in that campaign and the key is new; anything else is read and judged below.
                campaign_id = only_possible_campaign(who, signed, data, moment)
                if campaign_id is not None:
                    amount = data[campaign_id].core.face_value_cents
                    sent = await write(campaign_id, amount, now, client, moment)
                    if sent is not None:
                        return Response(sent, status_code=200, media_type="application/json")
            found = await store.lookup(who.terminal_id, key, serial)
            if found.prior is not None:
                return replay(found.prior, fp)
            v = found.voucher
            try:
                check_signature(signed, v, data)
                verdict = verdict_for(who, v, moment, data)
                if verdict is not Verdict.ACCEPTED:
                    raise refusal(verdict, v, v.redeemed_by_name if v else None)
            except ApiError as exc:
                text = dumps(exc.body())
                if await store.save_answer(who.terminal_id, key, fp, exc.status, text, now):
                    return Response(text, status_code=exc.status, media_type="application/json")
                continue  # the key was used meanwhile: replay that answer
            assert v is not None
            sent = await write(v.campaign_id, data[v.campaign_id].core.face_value_cents, now, client, moment)
            if sent is not None:
                return Response(sent, status_code=200, media_type="application/json")
            # Lost a race (the voucher or the key changed since the read): read and judge again.
        raise RuntimeError("redemption still conflicting after 3 attempts")

    def only_possible_campaign(who: Caller, signed: SignedCode | None, data: dict[str, CampaignInfo],
                               moment: datetime) -> str | None:
        """The one campaign in which an active voucher would be accepted here at ``moment`` (the core's rule),
        narrowed to the signed code's campaign if it verifies; None when there are none or several."""
        if not who.is_merchant:
            return None
        possible = [cid for cid, info in data.items()
                    if judge(VoucherState.ACTIVE, info.core, who.merchant_id, moment) is Verdict.ACCEPTED]
        if signed is not None:
            info = data.get(signed.campaign_id)
            if info is None or signed.campaign_id not in possible or not verify_signed(signed, info.core.public_keys):
                return None
            return signed.campaign_id
        return possible[0] if len(possible) == 1 else None

    @api.post("/redemptions/{rid}/void")
    def void_redemption(who: Auth, rid: Annotated[int, Path(ge=1, le=2**62)], body: VoidBody) -> Response:
        if not who.is_merchant:
            raise ApiError(403, "forbidden")

        def action(s: Session, now: datetime) -> tuple[int, dict[str, Any], int | None]:
            red = s.get(Activity, rid)
            if red is None or red.kind != "redeem":
                raise ApiError(404, "not_found")
            if red.merchant_id != who.merchant_id:
                raise ApiError(403, "forbidden", "Ce passage appartient à un autre commerce.")
            if s.scalar(select(Activity.id).where(Activity.kind == "void", Activity.ref_id == rid)) is not None:
                raise ApiError(409, "already_voided")
            if now - aware(red.server_time) > window:  # type: ignore[operator]
                raise ApiError(409, "void_window_passed")
            act = Activity(kind="void", serial=red.serial, campaign_id=red.campaign_id, terminal_id=who.terminal_id,
                           merchant_id=who.merchant_id, amount_cents=red.amount_cents,
                           idempotency_key=body.idempotency_key, server_time=now, business_time=now, ref_id=rid)
            s.add(act)
            s.flush()  # the unique (kind, ref_id) index stops a concurrent second void here
            done = s.execute(update(Voucher).where(and_(Voucher.serial == red.serial, Voucher.state == "redeemed",
                                                        Voucher.redemption_id == rid))
                             .values(state="active", redemption_id=None, redeemed_at=None, redeemed_by=None)).rowcount
            if done != 1:
                raise ApiError(409, "already_voided")
            return 200, {"redemption_id": rid, "serial": red.serial, "voided_at": to_utc_text(now),
                         "amount_cents": red.amount_cents}, act.id

        return idempotent(who, body.idempotency_key, fingerprint("void", str(rid), body), action)

    @api.post("/vouchers/{code}/activate")
    def activate(who: Auth, code: str, body: ActivateBody) -> Response:
        serial, signed = parsed(code)
        if not who.is_seller:
            raise ApiError(403, "forbidden", "Seul un vendeur peut activer un bon.")

        def action(s: Session, now: datetime) -> tuple[int, dict[str, Any], int | None]:
            client = parse_client_time(body.client_time) or now
            v = s.get(Voucher, serial)
            check_signature(signed, v, campaigns.get())
            if v is None:
                raise ApiError(404, "unknown")
            info = campaigns.get()[v.campaign_id]
            if v.state == "blocked":
                raise ApiError(409, "blocked")
            if v.state != "issued":
                raise ApiError(409, "already_sold")
            if who.merchant_id not in info.seller_ids:
                raise ApiError(409, "not_accepted_here", "Ce point de vente ne vend pas cette campagne.")
            if info.core.validity(now) is Validity.EXPIRED:
                raise ApiError(409, "expired")
            if body.sale_price_cents != info.core.sale_price_cents:
                raise ApiError(422, "wrong_price", expected_cents=info.core.sale_price_cents)
            act = Activity(kind="activate", serial=serial, campaign_id=v.campaign_id, terminal_id=who.terminal_id,
                           merchant_id=who.merchant_id, amount_cents=info.core.face_value_cents,
                           sale_price_cents=info.core.sale_price_cents, topup_cents=info.topup_cents,
                           idempotency_key=body.idempotency_key, client_time=client, server_time=now,
                           business_time=min(client, now) if body.offline else now, offline=body.offline)
            s.add(act)
            s.flush()
            done = s.execute(update(Voucher).where(and_(Voucher.serial == serial, Voucher.state == "issued"))
                             .values(state="active", sale_id=act.id, sold_at=now)).rowcount
            if done != 1:
                raise ApiError(409, "already_sold")
            return 200, {"sale_id": act.id, "serial": serial, "campaign_id": v.campaign_id,
                         "face_value_cents": info.core.face_value_cents,
                         "sale_price_cents": info.core.sale_price_cents, "topup_cents": info.topup_cents,
                         "activated_at": to_utc_text(now), "seller": who.merchant_name}, act.id

        return idempotent(who, body.idempotency_key, fingerprint("activate", serial, body), action)

    @api.post("/sales/{sid}/void")
    def void_sale(who: Auth, sid: Annotated[int, Path(ge=1, le=2**62)], body: VoidBody) -> Response:
        if not who.is_seller:
            raise ApiError(403, "forbidden")

        def action(s: Session, now: datetime) -> tuple[int, dict[str, Any], int | None]:
            sale = s.get(Activity, sid)
            if sale is None or sale.kind != "activate":
                raise ApiError(404, "not_found")
            if sale.merchant_id != who.merchant_id:
                raise ApiError(403, "forbidden", "Cette vente appartient à un autre vendeur.")
            if s.scalar(select(Activity.id).where(Activity.kind == "sale_void", Activity.ref_id == sid)) is not None:
                raise ApiError(409, "already_voided")
            if now - aware(sale.server_time) > window:  # type: ignore[operator]
                raise ApiError(409, "void_window_passed")
            v = s.get(Voucher, sale.serial)
            if v is None or v.state != "active" or v.sale_id != sid:
                raise ApiError(409, "voucher_spent")
            act = Activity(kind="sale_void", serial=sale.serial, campaign_id=sale.campaign_id,
                           terminal_id=who.terminal_id, merchant_id=who.merchant_id,
                           amount_cents=sale.amount_cents, sale_price_cents=sale.sale_price_cents,
                           topup_cents=sale.topup_cents, idempotency_key=body.idempotency_key, server_time=now,
                           business_time=now, ref_id=sid)
            s.add(act)
            s.flush()
            done = s.execute(update(Voucher).where(and_(Voucher.serial == sale.serial, Voucher.state == "active",
                                                        Voucher.sale_id == sid))
                             .values(state="issued", sale_id=None, sold_at=None)).rowcount
            if done != 1:
                raise ApiError(409, "voucher_spent")
            return 200, {"sale_id": sid, "serial": sale.serial, "voided_at": to_utc_text(now),
                         "sale_price_cents": sale.sale_price_cents}, act.id

        return idempotent(who, body.idempotency_key, fingerprint("sale_void", str(sid), body), action)

    # Only changes of transactions older than every one still running (see admin.change_stamp); SQLite has one
    # writer, whose numbers are in commit order already.
    horizon = (None if is_sqlite(db.url)
               else text("change_seq < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))

    @api.get("/changes")
    def changes(who: Auth, cursor: str | None = Query(default=None, max_length=32),
                limit: int = Query(default=1000, ge=1, le=5000)) -> Response:
        if cursor not in (None, "") and not CURSOR_RE.match(cursor):
            raise ApiError(422, "invalid_request", "cursor invalide.", fields=["cursor"])
        after_seq, after_number = divmod(int(cursor), SERIAL_SPAN) if cursor else (0, -1)
        after = (after_seq, f"{after_number:012d}" if after_number >= 0 else "")
        mine = campaigns_of(who)
        rows: list[Any] = []
        if mine:
            # One ordered index range scan of (campaign_id, change_seq, serial) per campaign, merged here: the
            # cost of a page stays the page, whatever the planner's statistics say.
            with db.reading() as s:
                for cid in mine:
                    query = (select(Voucher.serial, Voucher.campaign_id, Voucher.state, Voucher.redeemed_at,
                                    Merchant.name, Voucher.change_seq)
                             .outerjoin(Merchant, Merchant.id == Voucher.redeemed_by)
                             .where(Voucher.campaign_id == cid, tuple_(Voucher.change_seq, Voucher.serial) > after)
                             .order_by(Voucher.change_seq, Voucher.serial).limit(limit + 1))
                    if horizon is not None:
                        query = query.where(horizon)
                    rows.extend(s.execute(query).all())
            if len(mine) > 1:
                rows.sort(key=lambda r: (r[5], r[0]))
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = rows[-1][5] * SERIAL_SPAN + int(rows[-1][0]) if rows else (int(cursor) if cursor else 0)
        # Serialised here: FastAPI's generic encoder walks every value of a 5 000-row page again.
        return Response(dumps({"changes": [{"serial": r[0], "campaign_id": r[1], "state": r[2],
                                            "redeemed_at": ts(r[3]), "redeemed_by": r[4]} for r in rows],
                               "next_cursor": str(next_cursor), "has_more": has_more}),
                        media_type="application/json")

    @api.get("/ledger")
    def ledger(who: Auth, day: str = Query(alias="date", pattern=r"^\d{4}-\d{2}-\d{2}$")) -> dict[str, Any]:
        try:
            the_day = date.fromisoformat(day)
        except ValueError:
            raise ApiError(422, "invalid_request", "date invalide.", fields=["date"]) from None
        start, end = day_bounds_utc(the_day)
        with db.reading() as s:
            acts = s.execute(
                select(Activity, TerminalRow.name).outerjoin(TerminalRow, TerminalRow.id == Activity.terminal_id)
                .where(Activity.merchant_id == who.merchant_id, Activity.business_time >= start,
                       Activity.business_time < end,
                       Activity.kind.in_(["redeem", "void", "activate", "sale_void"]))
                .order_by(Activity.server_time, Activity.id)).all()  # ids come in blocks per server process
        out, t = [], dict.fromkeys(["redeemed_count", "redeemed_cents", "voided_count", "voided_cents",
                                    "net_redeemed_cents", "sold_count", "sold_cents", "sale_voided_count",
                                    "sale_voided_cents", "net_sold_cents", "topup_cents"], 0)
        for a, tname in acts:
            out.append({"id": a.id, "kind": a.kind, "serial": a.serial, "campaign_id": a.campaign_id,
                        "amount_cents": a.amount_cents, "sale_price_cents": a.sale_price_cents,
                        "topup_cents": a.topup_cents, "idempotency_key": a.idempotency_key, "terminal": tname,
                        "client_time": ts(a.client_time), "server_time": ts(a.server_time), "offline": a.offline,
                        "ref_id": a.ref_id})
            if a.kind == "redeem":
                t["redeemed_count"] += 1
                t["redeemed_cents"] += a.amount_cents
            elif a.kind == "void":
                t["voided_count"] += 1
                t["voided_cents"] += a.amount_cents
            elif a.kind == "activate":
                t["sold_count"] += 1
                t["sold_cents"] += a.sale_price_cents
                t["topup_cents"] += a.topup_cents
            else:
                t["sale_voided_count"] += 1
                t["sale_voided_cents"] += a.sale_price_cents
                t["topup_cents"] -= a.topup_cents
        t["net_redeemed_cents"] = t["redeemed_cents"] - t["voided_cents"]
        t["net_sold_cents"] = t["sold_cents"] - t["sale_voided_cents"]
        return {"date": the_day.isoformat(), "merchant": {"id": who.merchant_id, "name": who.merchant_name},
                "activities": out, "totals": t}

    def head_body(t: TerminalRow) -> dict[str, Any]:
        return {"seq": t.ledger_head_seq, "hash": t.ledger_head_hash, "acknowledged_at": ts(t.ledger_head_at)}

    @api.get("/terminals/me/ledger-head")
    def get_head(who: Auth) -> dict[str, Any]:
        with db.reading() as s:
            return head_body(s.get(TerminalRow, who.terminal_id))  # type: ignore[arg-type]

    @api.post("/terminals/me/ledger-head")
    def post_head(who: Auth, body: LedgerHeadBody) -> dict[str, Any]:
        with db.writing() as s:
            t = s.get(TerminalRow, who.terminal_id)
            assert t is not None
            same_seq_other_hash = (body.seq == t.ledger_head_seq and t.ledger_head_hash
                                   and body.hash != t.ledger_head_hash)
            if body.seq < t.ledger_head_seq or same_seq_other_hash:
                raise ApiError(409, "ledger_head_regressed", seq=t.ledger_head_seq, hash=t.ledger_head_hash)
            t.ledger_head_seq, t.ledger_head_hash, t.ledger_head_at = body.seq, body.hash, utc_now()
            return head_body(t)

    # Every till checks and redeems every voucher: match those two routes first (no path overlaps another).
    hot = {"/api/v1/vouchers/{code}/redeem", "/api/v1/vouchers/{code}"}
    api.routes.sort(key=lambda route: getattr(route, "path", "") not in hot)
    app.include_router(api)
    return app



