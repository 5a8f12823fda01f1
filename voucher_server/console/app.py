"""The console's ASGI sub-application: login, language switch, error pages, and every page router."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..config import Settings
from ..db import Database
from . import (
    pages_books,
    pages_campaigns,
    pages_commission,
    pages_home,
    pages_merchants,
    pages_online,
    pages_orders,
    pages_settle,
    pages_shop_public,
    pages_vouchers,
)
from .audit import AuditAction, record
from .auth import LoginResult, check_login, close_session, open_session, same_token
from .web import (
    HEADERS,
    LANG_COOKIE,
    LOGIN_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    ConsoleState,
    Forbidden,
    LoginRequired,
    NotFound,
    Page,
    anonymous,
    build_env,
    language,
    login_form,
    new_login_token,
    poster,
    same_origin,
    set_cookie,
)

HERE = Path(__file__).parent


def build_console(db: Database, settings: Settings) -> FastAPI:
    """The console, to be mounted at /console on the API's app."""
    console = FastAPI(title="Voucher operator console", docs_url=None, redoc_url=None, openapi_url=None)
    console.state.console = ConsoleState(db, settings, build_env(HERE / "templates"))
    console.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _error_pages(console)
    _login_routes(console)
    for module in (pages_home, pages_campaigns, pages_merchants, pages_vouchers, pages_settle, pages_orders,
                   pages_commission, pages_online, pages_shop_public, pages_books):
        console.include_router(module.router)
    return console


def _error_pages(console: FastAPI) -> None:
    @console.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"{PREFIX}/?next={exc.next_path}", status_code=303, headers=HEADERS)

    @console.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        page = Page(request, request.app.state.console, language(request), None)
        return page.render("error.html", status=403, title=page.t("forbidden_title"), message=page.t(exc.key))

    @console.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        page = Page(request, request.app.state.console, language(request), None)
        return page.render("error.html", status=404, title=page.t("not_found"), message="")

    @console.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        """An unknown address or method: an HTML page like the rest of the console, not the API's JSON."""
        page = Page(request, request.app.state.console, language(request), None)
        return page.render("error.html", status=exc.status_code, title=page.t("not_found"), message="")

    @console.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        """A malformed address (a till number that is not a number): nothing there."""
        page = Page(request, request.app.state.console, language(request), None)
        return page.render("error.html", status=404, title=page.t("not_found"), message="")


def _login_form(page: Page, status: int = 200, error: str = "", email: str = "") -> HTMLResponse:
    token = new_login_token()
    response = page.render("login.html", status=status, login_token=token, error=error, email=email,
                           next=_safe_next(page.request.query_params.get("next") or page.field("next")))
    set_cookie(response, page.request, LOGIN_COOKIE, token, max_age=3600)
    return response


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return PREFIX + "/"


def _login_routes(console: FastAPI) -> None:
    @console.get("/login")
    def login_page(page: Annotated[Page, Depends(anonymous)]) -> Response:
        return _login_form(page)

    @console.post("/login")
    def login(page: Annotated[Page, Depends(login_form)]) -> Response:
        """A plain function: FastAPI runs it in a thread, so Argon2's deliberate slowness never blocks the loop."""
        request = page.request
        if not same_origin(request) or not same_token(request.cookies.get(LOGIN_COOKIE, ""), page.field("csrf")):
            return _login_form(page, 403, page.t("csrf_failed"))
        email = page.field("email")[:254]
        with page.db.writing() as s:
            result, op = check_login(s, email, page.field("password")[:1024])
            token = open_session(s, op) if result is LoginResult.OK and op is not None else ""
        if not token:
            key = "login_locked" if result is LoginResult.LOCKED else "login_bad"
            return _login_form(page, 401, page.t(key), email)
        response = RedirectResponse(_safe_next(page.field("next")), status_code=303, headers=HEADERS)
        set_cookie(response, request, SESSION_COOKIE, token)
        response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
        return response

    @console.post("/logout")
    def logout(page: Annotated[Page, Depends(poster)]) -> Response:
        assert page.me is not None
        with page.db.writing() as s:
            close_session(s, page.request.cookies.get(SESSION_COOKIE))
            record(s, page.me.operator_id, page.me.email, AuditAction.LOGOUT, f"operator:{page.me.email}", "", "")
        response = RedirectResponse(PREFIX + "/", status_code=303, headers=HEADERS)
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    @console.get("/lang/{code}")
    def switch_language(request: Request, code: str) -> Response:
        response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303, headers=HEADERS)
        set_cookie(response, request, LANG_COOKIE, "en" if code == "en" else "fr", max_age=365 * 86400)
        return response

    @console.get("/")
    def home(page: Annotated[Page, Depends(anonymous)]) -> Response:
        """Without a session: only the login form, no figure."""
        if page.me is None:
            return _login_form(page)
        return pages_home.home(page)
