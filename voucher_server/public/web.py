"""What every public page shares: the templates, the headers, the language, the per-address bucket."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import anyio
import anyio.to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..services.context import Context
from ..services.lookups import AddressBuckets
from . import words
from .words import Lang

HERE = Path(__file__).parent
T = TypeVar("T")

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # A page's URL holds its voucher's code: never send it to the maps app or anyone else.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


PAGE_SLOTS = 4  # holders' pages read the database at most this many at a time per process (see slots())


@dataclass(slots=True)
class PublicState:
    ctx: Context
    env: Environment
    buckets: AddressBuckets
    limiter: anyio.CapacityLimiter | None = None

    def slots(self) -> anyio.CapacityLimiter:
        """The pages' own few database slots: a burst of holders' pages queues here rather than taking the
        connections and threads the tills' redemptions need."""
        if self.limiter is None:  # made on the server's event loop, at the first page
            self.limiter = anyio.CapacityLimiter(PAGE_SLOTS)
        return self.limiter

    async def reading(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func`` (a database read) in a thread, within the pages' slots."""
        return await anyio.to_thread.run_sync(func, *args, limiter=self.slots())


def build_state(ctx: Context) -> PublicState:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)  # no stat() of the file per page
    return PublicState(ctx, env, AddressBuckets(ctx.settings.public_rate, ctx.settings.public_burst))


def state_of(request: Request) -> PublicState:
    state: PublicState = request.app.state.public
    return state


def lang_of(request: Request) -> Lang:
    """?lang=fr|en when the holder chose; else the phone's languages (Accept-Language), French unless English
    comes before French there."""
    asked = request.query_params.get("lang")
    if asked in ("fr", "en"):
        return Lang(asked)
    return words.lang_of_header(request.headers.get("accept-language", ""))


def address_of(request: Request) -> str:
    """The bucket's key: the client's IPv4 address, or its IPv6 /64 (one subscriber gets a whole /64, so one
    bucket per /128 would give a guesser 2^64 of them)."""
    return address_key(request.client.host if request.client else "?")


def address_key(host: str) -> str:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def render(request: Request, template: str, status: int = 200, test_mode: bool = False,
           headers: dict[str, str] | None = None, **facts: Any) -> HTMLResponse:
    """A page in the asked language, with the switch to the other one (same path, other ``lang``)."""
    lang = lang_of(request)
    other = Lang.FR if lang is Lang.EN else Lang.EN
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    params["lang"] = other.value  # explicit both ways: it overrides the phone's Accept-Language
    query = urlencode(params)
    html = state_of(request).env.get_template(template).render(
        lang=lang, other=other, test_mode=test_mode,
        switch_href=f"?{query}",  # the same path: the page never writes out the code its URL holds
        q="?lang=en" if lang is Lang.EN else "",
        t=lambda key, **kw: words.t(lang, key, **kw),
        money=lambda cents: words.money(int(cents), lang),
        day=lambda d: words.day_text(d, lang),
        moment=lambda m: words.moment_text(m, lang), **facts)
    return HTMLResponse(html, status_code=status, headers={**HEADERS, **(headers or {})})


def limited(request: Request) -> HTMLResponse | None:
    """The 429 page when this address has spent its bucket, else None (and one page is spent)."""
    wait = state_of(request).buckets.take(address_of(request))
    if wait is None:
        return None
    lang = lang_of(request)
    seconds = max(1, round(wait))
    return render(request, "message.html", status=429, headers={"Retry-After": str(seconds)},
                  title=words.t(lang, "limited_title"), text=words.t(lang, "limited_text", seconds=seconds))
