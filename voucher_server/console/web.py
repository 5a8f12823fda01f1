"""Plumbing shared by every console page: the signed-in operator, language, CSRF, rendering, security headers."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import anyio.to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from voucher_core.timeutil import paris_text

from ..config import Settings
from ..db import Database, aware
from .auth import SignedIn, same_token, session_of, touch_session
from .i18n import Lang, money, translator
from .validation import FieldError, FormErrors

PREFIX = "/console"
SESSION_COOKIE = "vsc_session"
LOGIN_COOKIE = "vsc_login"  # double-submit CSRF token of the login form (there is no session yet)
LANG_COOKIE = "vsc_lang"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
HEADERS = {
    # No inline script; inline SVG charts are markup, not scripts, and use presentation attributes.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class ConsoleState:
    """What every page needs from the server: the database, the settings, the template environment."""

    db: Database
    settings: Settings
    env: Environment


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(Exception):
    """An accountant tried to change something, or a form's CSRF token did not match."""

    def __init__(self, key: str = "forbidden_text") -> None:
        super().__init__(key)
        self.key = key


class NotFound(Exception):
    pass


@dataclass
class Page:
    """One request's view of the console: who, in which language; renders templates."""

    request: Request
    state: ConsoleState
    lang: Lang
    me: SignedIn | None
    form: FormData | None = None
    t: Callable[..., str] = field(init=False)

    def __post_init__(self) -> None:
        self.t = translator(self.lang)

    @property
    def db(self) -> Database:
        return self.state.db

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default

    def values(self) -> dict[str, str]:
        """The posted fields, to show them again next to their error messages."""
        return {k: v for k, v in (self.form or {}).items() if isinstance(v, str)}

    def checked(self, name: str) -> bool:
        return self.field(name) in ("1", "on", "true")

    def render(self, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        template = self.state.env.get_template(name)
        html = template.render(page=self, t=self.t, me=self.me, lang=self.lang.value, P=PREFIX,
                               csrf=self.me.csrf_token if self.me else "", path=self.request.url.path,
                               query=self.request.url.query, **ctx)
        return HTMLResponse(html, status_code=status, headers=HEADERS)

    def redirect(self, to: str, notice: str = "") -> RedirectResponse:
        target = f"{PREFIX}{to}" + (f"{'&' if '?' in to else '?'}notice={quote(notice)}" if notice else "")
        return RedirectResponse(target, status_code=303, headers=HEADERS)


def errors_of(exc: FieldError | FormErrors, t: Callable[..., str]) -> dict[str, str]:
    """Field name -> message, for the template to show next to each field."""
    errs = exc.errors if isinstance(exc, FormErrors) else [exc]
    return {e.field: t(e.key, **e.params) for e in errs}


def language(request: Request) -> Lang:
    return Lang.EN if request.cookies.get(LANG_COOKIE) == Lang.EN.value else Lang.FR


def is_loopback(request: Request) -> bool:
    return (request.url.hostname or "") in LOOPBACK


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    """HttpOnly, SameSite=Strict, and Secure everywhere but on the loopback (where tests and demos run plain
    HTTP). Behind the TLS proxy the host is the public name, so the cookie is Secure."""
    response.set_cookie(name, value, max_age=max_age, path=PREFIX, httponly=True, samesite="strict",
                        secure=not is_loopback(request))


def same_origin(request: Request) -> bool:
    """A POST whose Origin (or Referer) names another host is refused whatever its token."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def signed_in(request: Request) -> SignedIn | None:
    state: ConsoleState = request.app.state.console
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with state.db.reading() as s:
        me, stale = session_of(s, token)
    if me is not None and stale:
        with state.db.writing() as s:
            touch_session(s, token)
    return me


async def viewer(request: Request) -> Page:
    """Any signed-in operator (pages and exports)."""
    me = await anyio.to_thread.run_sync(signed_in, request)  # the database is never read on the event loop
    if me is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return Page(request, request.app.state.console, language(request), me)


async def poster(request: Request) -> Page:
    """A signed-in operator's form, its CSRF token checked."""
    page = await viewer(request)
    page.form = await request.form()
    assert page.me is not None
    if not same_origin(request) or not same_token(page.me.csrf_token, page.field("csrf")):
        raise Forbidden("csrf_failed")
    return page


async def admin(request: Request) -> Page:
    """A change: an administrator's form, its CSRF token checked."""
    page = await poster(request)
    assert page.me is not None
    if not page.me.is_admin:
        raise Forbidden()
    return page


async def anonymous(request: Request) -> Page:
    return Page(request, request.app.state.console, language(request),
                await anyio.to_thread.run_sync(signed_in, request))


async def login_form(request: Request) -> Page:
    """The login form's fields (read here: a dependency may await, the sign-in itself then runs in a thread)."""
    return Page(request, request.app.state.console, language(request), None, form=await request.form())


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def build_env(templates: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = lambda cents, lang="fr": money(int(cents), Lang(lang))
    env.filters["paris"] = lambda moment: paris_text(aware(moment)) if moment else ""  # type: ignore[arg-type]
    env.filters["day"] = _day
    return env


def _day(value: date | datetime | None, lang: str = "fr") -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()[:10]
